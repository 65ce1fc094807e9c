using System;
using System.Linq;
using System.Runtime.InteropServices;
using MiniDocker.Engine;
using MiniDocker.Engine.Security;
using Xunit;

namespace MiniDocker.Tests
{
    public sealed class SeccompProfileTests
    {
        private static readonly ulong SysAdmin = 1UL << Array.IndexOf(Capabilities.Names, "SYS_ADMIN");

        /// <summary>The shape of moby's profiles/seccomp/default.json, cut to one rule of each kind it uses.</summary>
        private const string DockerDefaultShape = """
            {
              "defaultAction": "SCMP_ACT_ERRNO",
              "defaultErrnoRet": 1,
              "archMap": [
                { "architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
                { "architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"] }
              ],
              "syscalls": [
                { "names": ["accept", "read", "write"], "action": "SCMP_ACT_ALLOW" },
                { "names": ["process_vm_readv"], "action": "SCMP_ACT_ALLOW", "includes": { "minKernel": "4.8" } },
                { "names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [ { "index": 0, "value": 131080, "valueTwo": 0, "op": "SCMP_CMP_EQ" } ] },
                { "names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["amd64", "x32"] } },
                { "names": ["set_tls"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["arm", "arm64"] } },
                { "names": ["s390_pci_mmio_read"], "action": "SCMP_ACT_ALLOW", "includes": { "arches": ["s390", "s390x"] } },
                { "names": ["mount", "unshare"], "action": "SCMP_ACT_ALLOW", "includes": { "caps": ["CAP_SYS_ADMIN"] } },
                { "names": ["clone"], "action": "SCMP_ACT_ALLOW",
                  "args": [ { "index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ" } ],
                  "excludes": { "caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"] }, "comment": "s390 parameter ordering differs" },
                { "names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": { "caps": ["CAP_SYS_ADMIN"] } },
                { "names": ["socket"], "action": "SCMP_ACT_ALLOW", "args": [ { "index": 0, "value": 40, "op": "SCMP_CMP_NE" } ] },
                { "names": ["ptrace"], "action": "SCMP_ACT_ERRNO" }
              ]
            }
            """;

        private static SeccompProfile Parse(string json, ulong caps = 0) => SeccompProfile.FromDockerJson(json, caps, "test.json");

        private static MiniDockerException Refused(string json) => Assert.Throws<MiniDockerException>(() => Parse(json));

        [Fact]
        public void DockersDefaultShapeBecomesRulesForThisArchitectureAndTheseCapabilities()
        {
            var p = Parse(DockerDefaultShape, Capabilities.DefaultMask);
            Assert.Equal("errno:1", p.DefaultAction);
            var names = p.Rules.Select(r => r.Syscall).ToList();
            Assert.Contains("read", names);
            Assert.Contains("process_vm_readv", names);   // every kernel this runs on is past 4.8
            Assert.Contains(new SeccompRule("personality", "allow", "0:eq:131080:0"), p.Rules);
            Assert.Contains(new SeccompRule("clone", "allow", "0:masked_eq:2114060288:0"), p.Rules);
            Assert.Contains(new SeccompRule("socket", "allow", "0:ne:40:0"), p.Rules);
            Assert.DoesNotContain("mount", names);
            Assert.DoesNotContain("s390_pci_mmio_read", names);
            Assert.Equal(RuntimeInformation.OSArchitecture == Architecture.X64, names.Contains("arch_prctl"));
            Assert.Equal(RuntimeInformation.OSArchitecture == Architecture.Arm64, names.Contains("set_tls"));
            // A rule that says what the default says anyway is dropped; one with another errno stays.
            Assert.DoesNotContain("ptrace", names);
            Assert.Contains(new SeccompRule("clone3", "errno:38"), p.Rules);
        }

        [Fact]
        public void CapabilitiesSwitchIncludesAndExcludes()
        {
            var p = Parse(DockerDefaultShape, Capabilities.DefaultMask | SysAdmin);
            var names = p.Rules.Select(r => r.Syscall).ToList();
            Assert.Contains("mount", names);
            Assert.Contains("unshare", names);
            Assert.DoesNotContain("clone", names);
            Assert.DoesNotContain("clone3", names);
        }

        [Theory]
        [InlineData("SCMP_ACT_KILL", "kill")]
        [InlineData("SCMP_ACT_KILL_THREAD", "kill")]
        [InlineData("SCMP_ACT_KILL_PROCESS", "kill_process")]
        [InlineData("SCMP_ACT_TRAP", "trap")]
        [InlineData("SCMP_ACT_LOG", "log")]
        public void EveryActionMapsToTheHelpersWord(string docker, string helper)
        {
            var p = Parse($$"""{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "reboot", "action": "{{docker}}"}]}""");
            Assert.Equal(new SeccompRule("reboot", helper), p.Rules.Single());
        }

        [Theory]
        [InlineData("{\"defaultAction\": ")]
        [InlineData("[1, 2]")]
        [InlineData("{}")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": \"one\"}")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"]}]}")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read; rm -rf\"], \"action\": \"SCMP_ACT_ERRNO\"}]}")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": -1, \"op\": \"SCMP_CMP_EQ\"}]}]}")]
        public void BadJsonIsInvalid(string json)
        {
            var e = Refused(json);
            Assert.Equal("InvalidSeccompProfile", e.ErrorId);
            Assert.Equal("test.json", e.Target);
        }

        [Theory]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_TRACE\"}", "SCMP_ACT_TRACE")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"/run/x.sock\"}", "listenerPath")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"op\": \"SCMP_CMP_BETWEEN\"}]}]}", "SCMP_CMP_BETWEEN")]
        [InlineData("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\", \"includes\": {\"kernelVersion\": \"6\"}}]}", "kernelVersion")]
        public void AnUnknownActionOrFieldIsUnsupportedByName(string json, string named)
        {
            var e = Refused(json);
            Assert.Equal("SeccompProfileUnsupported", e.ErrorId);
            Assert.Contains(named, e.Message);
        }

        [Fact]
        public void ARuleForAnUnknownArchitectureNeverApplies()
        {
            var p = Parse("""{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "includes": {"arches": ["vax"]}}]}""");
            Assert.Empty(p.Rules);
        }

        [Fact]
        public void AnUnknownCapabilityInACriterionIsRefused() =>
            Assert.Equal("CapabilityNotFound", Refused("""{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_MAGIC"]}}]}""").ErrorId);

        [Fact]
        public void TheBuiltInDefaultFollowsCapabilities()
        {
            var plain = SeccompProfile.Default(Capabilities.DefaultMask);
            Assert.Equal("errno:1", plain.DefaultAction);
            Assert.DoesNotContain(plain.Rules, r => r.Syscall == "mount");
            Assert.Contains(plain.Rules, r => r.Syscall == "clone3" && r.Action == "errno:38");
            var admin = SeccompProfile.Default(Capabilities.DefaultMask | SysAdmin);
            Assert.Contains(new SeccompRule("mount", "allow"), admin.Rules);
            Assert.Contains(new SeccompRule("clone", "allow"), admin.Rules);
        }
    }
}
