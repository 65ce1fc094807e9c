using System;
using System.IO;
using System.Linq;
using Xunit;

namespace MiniDocker.Tests
{
    public class ContainerRecordTests : IDisposable
    {
        // A record exactly as the version before ContainerRecord wrote it (ContainerStore.Save of the old Container).
        private const string RecordBeforeSplit = @"{
  ""Id"": ""abababababababababababababababababababababababababababababababab"",
  ""Name"": ""old-web"",
  ""ShortId"": ""abababababab"",
  ""State"": ""Exited"",
  ""RootFs"": ""/srv/rootfs"",
  ""Image"": null,
  ""ImageId"": null,
  ""Layers"": [],
  ""Mounts"": [],
  ""Devices"": [],
  ""Command"": [
    ""sh"",
    ""-c"",
    ""sleep 1""
  ],
  ""Hostname"": ""h"",
  ""Environment"": {},
  ""WorkingDirectory"": ""/"",
  ""Init"": false,
  ""Limits"": {
    ""MemoryBytes"": 67108864,
    ""MemorySwapBytes"": null,
    ""Cpus"": null,
    ""CpuShares"": null,
    ""CpusetCpus"": null,
    ""PidsLimit"": 4096
  },
  ""Security"": {
    ""Privileged"": false,
    ""Capabilities"": 0,
    ""NoNewPrivileges"": true,
    ""Seccomp"": ""default"",
    ""SeccompProfileJson"": null,
    ""User"": null,
    ""Uid"": 0,
    ""Gid"": 0,
    ""Groups"": [],
    ""Home"": null,
    ""Ulimits"": [],
    ""ReadOnlyRootFs"": false,
    ""CapabilityNames"": """"
  },
  ""Created"": ""2026-01-02T03:04:05Z"",
  ""StartedAt"": ""2026-01-02T03:04:06Z"",
  ""FinishedAt"": null,
  ""Pid"": 4242,
  ""PidStartTime"": 123456,
  ""MonitorPid"": 4241,
  ""MonitorStartTime"": 123450,
  ""ExitCode"": 0,
  ""OomKilled"": false,
  ""CgroupPaths"": [
    ""/sys/fs/cgroup/pids/minidocker/abab"",
    ""/sys/fs/cgroup/memory/minidocker/abab""
  ],
  ""LogStartOffset"": 777,
  ""LogBytesDropped"": 5,
  ""Network"": ""bridge"",
  ""Ports"": [],
  ""Dns"": [],
  ""ExtraHosts"": [],
  ""IPAddress"": ""10.88.0.2"",
  ""Error"": null
}";

        private readonly TempDirectory _dir = new();

        public void Dispose() => _dir.Dispose();

        [Fact]
        public void A_record_in_the_format_already_on_disk_loads_with_its_bookkeeping()
        {
            var store = new ContainerStore(Path.Combine(_dir.Path, "containers"));
            string id = string.Concat(Enumerable.Repeat("ab", 32));
            Directory.CreateDirectory(store.DirectoryOf(id));
            File.WriteAllText(store.RecordPath(id), RecordBeforeSplit);
            var r = store.Load(id)!;
            Assert.Equal("old-web", r.Name);
            Assert.Equal(ContainerState.Exited, r.State);
            Assert.Equal(4242, r.Pid);
            Assert.Equal(123456UL, r.PidStartTime);
            Assert.Equal(4241, r.MonitorPid);
            Assert.Equal(123450UL, r.MonitorStartTime);
            Assert.Equal(new[] { "/sys/fs/cgroup/pids/minidocker/abab", "/sys/fs/cgroup/memory/minidocker/abab" }, r.CgroupPaths);
            Assert.Equal(777L, r.LogStartOffset);
            Assert.Equal(5L, r.LogBytesDropped);
            Assert.Equal(64L << 20, r.Limits.MemoryBytes);
            Assert.Equal("10.88.0.2", r.IPAddress);

            // Saved again, it keeps the JSON names an older engine reads.
            store.Save(r);
            string saved = File.ReadAllText(store.RecordPath(id));
            foreach (var name in new[] { "PidStartTime", "MonitorStartTime", "CgroupPaths", "LogStartOffset", "MonitorPid", "LogBytesDropped" })
                Assert.Contains("\"" + name + "\":", saved);
        }

        [Fact]
        public void The_view_users_get_is_a_plain_Container_with_every_public_value_and_no_bookkeeping()
        {
            var r = new ContainerRecord { Id = new string('c', 64), Name = "web", Pid = 7, PidStartTime = 9, MonitorStartTime = 8, LogStartOffset = 3, CgroupPaths = { "/sys/fs/cgroup/x" } };
            r.Environment["A"] = "1";
            var view = r.ToContainer();
            Assert.Equal(typeof(Container), view.GetType());
            Assert.Equal("web", view.Name);
            Assert.Equal(7, view.Pid);
            Assert.Equal("1", view.Environment["A"]);
            foreach (var name in new[] { "PidStartTime", "MonitorStartTime", "CgroupPaths", "LogStartOffset" })
                Assert.Null(typeof(Container).GetProperty(name));
        }

        [Fact]
        public void An_error_about_a_record_targets_the_view()
        {
            var r = new ContainerRecord { Id = new string('d', 64), Name = "db", CgroupPaths = { "/sys/fs/cgroup/y" } };
            var e = new MiniDockerException("ContainerRunning", FailureKind.InvalidOperation, "running", r);
            Assert.Equal(typeof(Container), e.Target!.GetType());
            Assert.Equal("db", ((Container)e.Target).Name);
        }

        [Fact]
        public void Format_List_star_of_a_listed_container_shows_no_runtime_bookkeeping()
        {
            var module = BuiltModule.Instance; // sets MINIDOCKER_ROOT to its throw-away state root
            var store = new ContainerStore(new EngineOptions().ContainersRoot);
            string id = string.Concat(Enumerable.Repeat("e7", 32));
            Directory.CreateDirectory(store.DirectoryOf(id));
            try
            {
                File.WriteAllText(store.RecordPath(id), RecordBeforeSplit.Replace(string.Concat(Enumerable.Repeat("ab", 32)), id).Replace("old-web", "fl-" + id.Substring(0, 8)));
                var type = module.Invoke("(Get-MiniContainer -Id $args[0]).GetType().FullName", id).Single().ToString();
                Assert.Equal("MiniDocker.Container", type);
                string text = string.Join("\n", module.Invoke("Get-MiniContainer -Id $args[0] | Format-List * | Out-String -Width 300", id).Select(o => o.ToString()));
                Assert.Contains("fl-" + id.Substring(0, 8), text);
                Assert.Contains("MonitorPid", text);
                foreach (var name in new[] { "PidStartTime", "MonitorStartTime", "CgroupPaths", "LogStartOffset" })
                    Assert.DoesNotContain(name, text);
            }
            finally { Directory.Delete(store.DirectoryOf(id), true); }
        }
    }
}
