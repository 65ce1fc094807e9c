using System.Collections.Generic;
using System.IO;
using System.Linq;
using MiniDocker.Engine;
using MiniDocker.Engine.Networking;
using Xunit;

namespace MiniDocker.Tests
{
    public class NetworkingTests
    {
        [Theory]
        [InlineData("8080:80", "0.0.0.0:8080->80/tcp")]
        [InlineData("127.0.0.1:8080:80", "127.0.0.1:8080->80/tcp")]
        [InlineData("5353:53/udp", "0.0.0.0:5353->53/udp")]
        [InlineData("8080-8081:80-81/TCP", "0.0.0.0:8080->80/tcp,0.0.0.0:8081->81/tcp")]
        public void Parses_docker_publish_syntax(string spec, string expected) =>
            Assert.Equal(expected, string.Join(",", PublishParser.Parse(new[] { spec })));

        [Theory]
        [InlineData("8080")]
        [InlineData("a:80")]
        [InlineData("0:80")]
        [InlineData("8080:65536")]
        [InlineData("8080:80/sctp")]
        [InlineData("1.2.3:8080:80")]
        [InlineData("8080-8082:80-81")]
        [InlineData("8082-8080:80-82")]
        [InlineData("1:2:3:4")]
        [InlineData(" 8080:80")]
        public void Rejects_malformed_publish_with_InvalidPublish(string spec)
        {
            var e = Assert.Throws<MiniDockerException>(() => PublishParser.Parse(new[] { spec }));
            Assert.Equal("InvalidPublish", e.ErrorId);
        }

        [Fact]
        public void Rejects_one_host_port_published_twice_but_allows_tcp_and_udp()
        {
            Assert.Equal(2, PublishParser.Parse(new[] { "53:53/tcp", "53:53/udp" }).Count);
            Assert.Equal("InvalidPublish", Assert.Throws<MiniDockerException>(() => PublishParser.Parse(new[] { "8080:80", "127.0.0.1:8080:81" })).ErrorId);
        }

        [Fact]
        public void Subnets_parse_overlap_and_refuse_host_bits()
        {
            var a = Ipv4Subnet.TryParse("10.89.0.0/24")!.Value;
            Assert.Equal("10.89.0.255", Ipv4Subnet.Format(a.Broadcast));
            Assert.True(a.Overlaps(Ipv4Subnet.TryParse("10.0.0.0/8")!.Value));
            Assert.False(a.Overlaps(Ipv4Subnet.TryParse("10.89.1.0/24")!.Value));
            Assert.Null(Ipv4Subnet.TryParse("10.89.0.1/24"));
            Assert.Null(Ipv4Subnet.TryParse("10.89.0.0/31"));
            Assert.Null(Ipv4Subnet.TryParse("10.89.0/24"));
        }

        [Fact]
        public void Reads_host_routes_from_proc_net_route()
        {
            using var dir = new TempDirectory();
            string path = Path.Combine(dir.Path, "route");
            File.WriteAllText(path,
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
                "eth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
                "eth0\t0010A8AC\t00000000\t0001\t0\t0\t0\t00F0FFFF\t0\t0\t0\n");
            var routes = HostRoutes.Read(path).ToList();
            Assert.Single(routes);   // the default route is no collision
            Assert.Equal(("eth0", "172.168.16.0/20"), (routes[0].Interface, routes[0].Subnet.ToString()));
        }

        [Fact]
        public void Resolv_conf_replaces_the_resolved_stub_and_drops_loopback_on_a_bridge()
        {
            using var dir = new TempDirectory();
            string host = Path.Combine(dir.Path, "resolv.conf"), resolved = Path.Combine(dir.Path, "upstream.conf");
            File.WriteAllText(host, "# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n");
            File.WriteAllText(resolved, "nameserver 192.168.1.1\nnameserver 127.0.0.1\nsearch lan\n");
            Assert.Equal("nameserver 192.168.1.1\nsearch lan\n", ContainerEtcFiles.ResolvConf(new List<string>(), bridged: true, host, resolved));
            Assert.Equal("nameserver 192.168.1.1\nnameserver 127.0.0.1\nsearch lan\n", ContainerEtcFiles.ResolvConf(new List<string>(), bridged: false, host, resolved));
            Assert.Equal("nameserver 9.9.9.9\nsearch lan\n", ContainerEtcFiles.ResolvConf(new List<string> { "9.9.9.9" }, bridged: true, host, resolved));
            File.WriteAllText(host, "nameserver 127.0.0.1\n");
            Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", ContainerEtcFiles.ResolvConf(new List<string>(), bridged: true, host, resolved));
        }

        [Fact]
        public void Firewall_is_one_table_rebuilt_whole_with_masquerade_isolation_and_dnat()
        {
            var nets = new List<Network>
            {
                new() { Name = "bridge", Bridge = "md0", Subnet = "10.89.0.0/24", Gateway = "10.89.0.1" },
                new() { Name = "sealed", Bridge = "md1", Subnet = "10.89.1.0/24", Gateway = "10.89.1.1", Internal = true },
            };
            var leases = new List<Lease> { new() { ContainerId = "c1", Network = "bridge", Address = "10.89.0.2", Ports = PublishParser.Parse(new[] { "127.0.0.1:8080:80" }) } };
            string script = Firewall.Build(nets, leases);
            Assert.StartsWith("table inet minidocker {}\ndelete table inet minidocker\n", script.Replace("\r", ""));
            Assert.Contains("ip saddr 10.89.0.0/24 ip daddr != 10.89.0.0/24 masquerade", script);
            Assert.DoesNotContain("ip saddr 10.89.1.0/24 ip daddr", script);   // internal: no masquerade
            Assert.Contains("iifname \"md1\" oifname != \"md1\" drop", script);
            Assert.Contains("iifname \"md0\" oifname \"md1\" drop", script);
            Assert.Contains("ip daddr 127.0.0.1 tcp dport 8080 dnat ip to 10.89.0.2:80", script);
            Assert.Contains("ip saddr { 127.0.0.0/8, 10.89.0.0/24 } ip daddr 127.0.0.1 tcp dport 8080 meta mark set meta mark | 0x2000", script);
            Assert.Equal("table inet minidocker {}\ndelete table inet minidocker\n", Firewall.Build(new List<Network>(), new List<Lease>()).Replace("\r", ""));
        }

        [Fact]
        public void Registry_hands_out_distinct_addresses_refuses_overlaps_and_collects_dead_owners()
        {
            using var dir = new TempDirectory();
            var reg = new NetworkRegistry(Path.Combine(dir.Path, "state"), Path.Combine(dir.Path, "run"));
            var n = reg.Create("app", "10.250.0.0/29", null, false);
            Assert.Equal(("md1", "10.250.0.1"), (n.Bridge, n.Gateway));
            Assert.Equal("SubnetOverlap", Assert.Throws<MiniDockerException>(() => reg.Create("other", "10.250.0.0/16", null, false)).ErrorId);
            Assert.Equal("NetworkExists", Assert.Throws<MiniDockerException>(() => reg.Create("app", null, null, false)).ErrorId);
            Assert.Equal("InvalidGateway", Assert.Throws<MiniDockerException>(() => reg.Create("gw", "10.251.0.0/24", "10.252.0.1", false)).ErrorId);
            using (reg.Lock())
            {
                var a = reg.Allocate(n, "a", PublishParser.Parse(new[] { "8080:80" }));
                var b = reg.Allocate(n, "b", new List<PortMapping>());
                Assert.Equal(("10.250.0.2", "10.250.0.3"), (a.Address, b.Address));
                Assert.Equal("PortAlreadyAllocated", Assert.Throws<MiniDockerException>(() => reg.Allocate(n, "c", PublishParser.Parse(new[] { "127.0.0.1:8080:81" }))).ErrorId);
                for (int i = 0; i < 3; i++) reg.Allocate(n, "fill" + i, new List<PortMapping>());   // .4 .5 .6; .7 is the broadcast
                Assert.Equal("NetworkFull", Assert.Throws<MiniDockerException>(() => reg.Allocate(n, "d", new List<PortMapping>())).ErrorId);

                // A container whose monitor and init are gone: its lease is collected, its address free again.
                using var gone = System.Diagnostics.Process.Start("true")!;
                gone.WaitForExit();
                reg.Bind("a", gone.Id, 1, gone.Id, 1);
                Assert.True(reg.CollectDead());
                Assert.DoesNotContain(reg.LoadLeases(), l => l.ContainerId == "a");
                Assert.Equal("10.250.0.2", reg.Allocate(n, "e", new List<PortMapping>()).Address);
                Assert.True(reg.Release("e"));
                Assert.False(reg.Release("e"));
            }
        }

        [Fact]
        public void Without_fib_the_host_addresses_are_listed()
        {
            var nets = new List<Network> { new() { Name = "bridge", Bridge = "md0", Subnet = "10.89.0.0/24", Gateway = "10.89.0.1" } };
            string script = Firewall.Build(nets, new List<Lease>(), new[] { "127.0.0.1", "172.19.171.88" });
            Assert.DoesNotContain("fib", script);
            Assert.Contains("ip daddr { 127.0.0.0/8, 172.19.171.88, 10.89.0.1 } jump hostports", script);
        }

        [Fact]
        public void Plan_for_a_bridge_container_attaches_the_veth_and_binds_the_etc_files_before_pivot()
        {
            var net = new Network { Name = "bridge", Bridge = "md0", Subnet = "10.89.0.0/24", Gateway = "10.89.0.1" };
            var lease = new Lease { ContainerId = "0123456789abcdef", Network = "bridge", Address = "10.89.0.7", Ports = PublishParser.Parse(new[] { "8080:80/udp" }) };
            var c = new Container { Id = "0123456789abcdef", Hostname = "h", Command = new[] { "sh" } };
            var plan = ContainerPlan.Build(c, "/dir", new string[0], "/log", "/exit", null,
                new NetworkAttachment { Mode = "bridge", EtcDir = "/dir/etc", Network = net, Lease = lease });
            var d = plan.Directives.Select(x => string.Join(" ", x)).ToList();
            Assert.Contains("bridge md0 10.89.0.1/24", d);
            Assert.Contains("veth md0123456789a md0", d);
            Assert.Contains("ipaddr eth0 10.89.0.7/24", d);
            Assert.Contains("route 10.89.0.1", d);
            Assert.Contains("publish udp 0.0.0.0 8080", d);
            Assert.True(d.IndexOf("mount /dir/etc/resolv.conf rootfs/etc/resolv.conf  4096 ") < d.IndexOf("pivot rootfs"));
        }

        [Fact]
        public void Aardvark_config_is_netavarks_format_and_a_dns_network_resolv_conf_names_only_the_gateway()
        {
            var n = new Network { Name = "app", Bridge = "md1", Subnet = "10.90.0.0/24", Gateway = "10.90.0.1", DnsEnabled = true };
            var leases = new List<Lease>
            {
                new() { ContainerId = "bbb", Network = "app", Address = "10.90.0.3", Names = new() { "Web", "bbb" }, DnsServers = new() { "192.0.2.53" }, MonitorPid = 1 },
                new() { ContainerId = "aaa", Network = "app", Address = "10.90.0.2", Names = new() { "db", "aaa", "database" }, MonitorPid = 1 },
                new() { ContainerId = "ccc", Network = "app", Address = "10.90.0.4", Names = new() { "starting" } },   // not running yet
                new() { ContainerId = "ddd", Network = "other", Address = "10.91.0.2", Names = new() { "x" }, MonitorPid = 1 },
            };
            // Line 1 the address to listen on; then ID IPV4 IPV6(empty) NAMES [UPSTREAMS], split on single spaces.
            Assert.Equal("10.90.0.1\naaa 10.90.0.2  db,aaa,database\nbbb 10.90.0.3  web,bbb 192.0.2.53\n", AardvarkDns.Config(n, leases));
            Assert.Null(AardvarkDns.Config(n, leases.Where(l => l.MonitorPid == null).ToList()));

            using var dir = new TempDirectory();
            string host = Path.Combine(dir.Path, "resolv.conf");
            File.WriteAllText(host, "nameserver 127.0.0.1\nsearch lan\noptions ndots:2\n");
            var (conf, upstreams) = ContainerEtcFiles.ForNetworkDns(new List<string>(), "10.90.0.1", host);
            Assert.Equal("nameserver 10.90.0.1\nsearch lan\noptions ndots:2\n", conf);
            Assert.Equal(new[] { "127.0.0.1" }, upstreams);   // the server runs on the host side, where a local stub answers
            Assert.Equal(new[] { "9.9.9.9" }, ContainerEtcFiles.ForNetworkDns(new List<string> { "9.9.9.9" }, "10.90.0.1", host).Upstreams);
        }

        [Fact]
        public void Internal_network_names_no_upstream_and_its_bridge_reaches_only_the_gateways_dns_and_ping()
        {
            var sealedNet = new Network { Name = "vault", Bridge = "md2", Subnet = "10.90.2.0/24", Gateway = "10.90.2.1", Internal = true, DnsEnabled = true };
            var leases = new List<Lease> { new() { ContainerId = "aaa", Network = "vault", Address = "10.90.2.2", Names = new() { "db" }, DnsServers = new() { "192.0.2.53" }, MonitorPid = 1 } };
            Assert.Equal("10.90.2.1\naaa 10.90.2.2  db\n", AardvarkDns.Config(sealedNet, leases));

            var open = new Network { Name = "app", Bridge = "md1", Subnet = "10.90.1.0/24", Gateway = "10.90.1.1", DnsEnabled = true };
            string script = Firewall.Build(new List<Network> { open, sealedNet }, leases).Replace("\r", "");
            Assert.Contains("chain input {\n    type filter hook input priority filter; policy accept;\n"
                + "    iifname \"md2\" ct state established,related accept\n"
                + "    iifname \"md2\" ip daddr 10.90.2.1 udp dport 53 accept\n"
                + "    iifname \"md2\" ip daddr 10.90.2.1 icmp type echo-request accept\n"
                + "    iifname \"md2\" drop\n  }", script);
            Assert.DoesNotContain("iifname \"md1\" drop", script);   // a network with a way out keeps the host's services
            Assert.DoesNotContain("chain input", Firewall.Build(new List<Network> { open }, new List<Lease>()));
        }
}
}
