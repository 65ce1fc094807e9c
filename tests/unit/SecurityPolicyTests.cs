using System;
using System.IO;
using System.Linq;
using MiniDocker.Engine;
using MiniDocker.Engine.Security;
using Xunit;

namespace MiniDocker.Tests
{
    public sealed class CapabilitiesTests
    {
        private const ulong DockerDefault = 0xa80425fb;   // CapEff of a default docker run

        private static ulong Bit(string name) => 1UL << Array.IndexOf(Capabilities.Names, name);

        [Fact]
        public void TheDefaultSetIsDockers() => Assert.Equal(DockerDefault, Capabilities.DefaultMask);

        [Fact]
        public void DropsComeOffTheDefaultsAndAddsGoOn()
        {
            ulong m = Capabilities.Resolve(new[] { "cap_net_admin" }, new[] { "CHOWN", "CAP_KILL" }, privileged: false);
            Assert.Equal((DockerDefault & ~Bit("CHOWN") & ~Bit("KILL")) | Bit("NET_ADMIN"), m);
        }

        [Fact]
        public void DropAllThenAddKeepsOnlyTheAdds() =>
            Assert.Equal(Bit("NET_BIND_SERVICE"), Capabilities.Resolve(new[] { "NET_BIND_SERVICE" }, new[] { "ALL" }, privileged: false));

        [Fact]
        public void PrivilegedAndAddAllGetTheHostsBoundingSet()
        {
            Assert.Equal(Capabilities.HostMask(), Capabilities.Resolve(Array.Empty<string>(), new[] { "ALL" }, privileged: true));
            Assert.Equal(Capabilities.HostMask(), Capabilities.Resolve(new[] { "all" }, Array.Empty<string>(), privileged: false));
        }

        [Theory]
        [InlineData("NET_ADMINN")]
        [InlineData("CAP_")]
        [InlineData("")]
        public void AnUnknownNameIsRefusedByName(string name)
        {
            var e = Assert.Throws<MiniDockerException>(() => Capabilities.Resolve(new[] { name }, Array.Empty<string>(), false));
            Assert.Equal("CapabilityNotFound", e.ErrorId);
            Assert.Equal(name, e.Target);
        }

        [Fact]
        public void NamesListTheBitsInOrder() =>
            Assert.Equal("CAP_CHOWN,CAP_KILL,CAP_SYS_ADMIN", Capabilities.ToNames(Bit("SYS_ADMIN") | Bit("KILL") | Bit("CHOWN")));
    }

    public sealed class SecurityPolicyTests : IDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly string _rootfs;

        public SecurityPolicyTests()
        {
            _rootfs = _dir.Dir("rootfs");
            _dir.File("rootfs/etc/passwd", "# users\nroot:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\nnohome:x:1001:1001:::/bin/sh\n");
            _dir.File("rootfs/etc/group", "root:x:0:\napp:x:1000:\nstaff:x:50:app,other\nwheel:x:10:root,app\n");
        }

        public void Dispose() => _dir.Dispose();

        private SecuritySettings Resolve(ContainerSpec spec, string? rootfs = null) => SecurityPolicy.Resolve(spec, new[] { rootfs ?? _rootfs });

        private MiniDockerException Refused(ContainerSpec spec, string? rootfs = null) => Assert.Throws<MiniDockerException>(() => Resolve(spec, rootfs));

        [Fact]
        public void TheDefaultsAreDockers()
        {
            var s = Resolve(new ContainerSpec());
            Assert.Equal(Capabilities.DefaultMask, s.Capabilities);
            Assert.True(s.NoNewPrivileges);
            Assert.Equal("default", s.Seccomp);
            Assert.Equal(0u, s.Uid);
            Assert.NotNull(SecurityPolicy.SeccompFor(s));
            var nofile = SecurityPolicy.EffectiveUlimits(s).Single();
            Assert.Equal("nofile", nofile.Name);
            Assert.Equal(1024UL, nofile.Soft);
        }

        [Fact]
        public void PrivilegedHasNoFilter()
        {
            var s = Resolve(new ContainerSpec { Privileged = true });
            Assert.Equal("unconfined", s.Seccomp);
            Assert.Null(SecurityPolicy.SeccompFor(s));
        }

        [Fact]
        public void AUserByNameGetsItsIdsHomeAndSupplementaryGroups()
        {
            var s = Resolve(new ContainerSpec { User = "app" });
            Assert.Equal((1000u, 1000u, "/home/app"), (s.Uid, s.Gid, s.Home));
            Assert.Equal(new uint[] { 50, 10 }, s.Groups);
        }

        [Fact]
        public void AGroupByNameOrNumberOverridesThePrimaryGroup()
        {
            Assert.Equal(50u, Resolve(new ContainerSpec { User = "app:staff" }).Gid);
            var numeric = Resolve(new ContainerSpec { User = "4242:77" });
            Assert.Equal((4242u, 77u), (numeric.Uid, numeric.Gid));
            Assert.Empty(numeric.Groups);
            Assert.Null(Resolve(new ContainerSpec { User = "nohome" }).Home);
        }

        [Theory]
        [InlineData("ghost", "UserNotFound")]
        [InlineData("app:ghosts", "GroupNotFound")]
        [InlineData("a:b:c", "InvalidUser")]
        [InlineData(":1", "InvalidUser")]
        [InlineData("4294967295", "InvalidUser")]
        public void ABadUserIsRefused(string user, string errorId) => Assert.Equal(errorId, Refused(new ContainerSpec { User = user }).ErrorId);

        [Fact]
        public void AnImagesUserDatabaseLinkedOutsideItIsNotRead()
        {
            // Hostile image: /etc/passwd -> ../../host/passwd, which names a user only the host file has.
            _dir.File("host/passwd", "evil:x:0:0::/:/bin/sh\n");
            string rootfs = _dir.Dir("evilroot");
            _dir.Dir("evilroot/etc");
            _dir.Symlink("evilroot/etc/passwd", "../../host/passwd");
            Assert.Equal("UserNotFound", Refused(new ContainerSpec { User = "evil" }, rootfs).ErrorId);
            _dir.Symlink("evilroot/etc/group", Path.Combine(_dir.Path, "host/passwd"));   // absolute: means the rootfs's own path
            Assert.Equal("UserNotFound", Refused(new ContainerSpec { User = "evil" }, rootfs).ErrorId);
        }

        [Fact]
        public void UlimitsParseLikeDockers()
        {
            var s = Resolve(new ContainerSpec { Ulimits = new[] { "NOFILE=100:200", "core=unlimited", "nproc=-1" } });
            Assert.Equal(new[] { "core", "nproc", "nofile" }, s.Ulimits.Select(u => u.Name));
            Assert.Equal((100UL, 200UL), (s.Ulimits[2].Soft, s.Ulimits[2].Hard));
            Assert.Equal(ulong.MaxValue, s.Ulimits[0].Hard);
            Assert.Equal(s.Ulimits, SecurityPolicy.EffectiveUlimits(s));   // an explicit nofile replaces the default
        }

        [Theory]
        [InlineData("nofile=200:100")]
        [InlineData("bogus=1")]
        [InlineData("nofile")]
        [InlineData("nofile=1:2:3")]
        [InlineData("nofile=lots")]
        public void ABadUlimitIsRefused(string ulimit) => Assert.Equal("InvalidUlimit", Refused(new ContainerSpec { Ulimits = new[] { ulimit } }).ErrorId);

        [Theory]
        [InlineData("no-new-privileges=false", null)]
        [InlineData("seccomp=unconfined", null)]
        [InlineData("apparmor=unconfined", "SecurityOptUnsupported")]
        [InlineData("seccomp=/no/such/profile.json", "SeccompProfileNotFound")]
        [InlineData("nonsense", "InvalidSecurityOpt")]
        [InlineData("no-new-privileges=maybe", "InvalidSecurityOpt")]
        public void SecurityOptionsAreReadOrRefused(string opt, string? errorId)
        {
            var spec = new ContainerSpec { SecurityOpt = new[] { opt } };
            if (errorId != null) { Assert.Equal(errorId, Refused(spec).ErrorId); return; }
            var s = Resolve(spec);
            if (opt.StartsWith("no-new")) Assert.False(s.NoNewPrivileges);
            else Assert.Null(SecurityPolicy.SeccompFor(s));
        }

        [Fact]
        public void ACustomProfileIsValidatedAtCreate()
        {
            string bad = _dir.File("bad.json", "{\"defaultAction\": \"SCMP_ACT_NOTIFY\"}");
            Assert.Equal("SeccompProfileUnsupported", Refused(new ContainerSpec { SecurityOpt = new[] { "seccomp=" + bad } }).ErrorId);
            string good = _dir.File("good.json", "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
            var s = Resolve(new ContainerSpec { SecurityOpt = new[] { "seccomp=" + good } });
            var profile = SecurityPolicy.SeccompFor(s)!;
            Assert.Equal("allow", profile.DefaultAction);
            Assert.Equal(new SeccompRule("mount", "errno:1"), profile.Rules.Single());
        }
    }
}
