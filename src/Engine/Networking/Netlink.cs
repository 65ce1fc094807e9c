using System;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace MiniDocker.Engine.Networking
{
    /// <summary>The one rtnetlink request the engine makes itself: delete a link (a network's bridge). Everything else is mdhelper's.</summary>
    internal static unsafe class Netlink
    {
        private const int AF_NETLINK = 16, NETLINK_ROUTE = 0, RTM_DELLINK = 17, NLMSG_ERROR = 2, IFLA_IFNAME = 3;
        private const int NLM_F_REQUEST = 1, NLM_F_ACK = 4, ENODEV = 19;

        /// <summary>Deletes link NAME; one that is already gone is fine (teardown is idempotent).</summary>
        public static void DeleteLink(string name)
        {
            byte[] ifname = Encoding.ASCII.GetBytes(name + "\0");
            int attrLen = 4 + ifname.Length, msgLen = 16 + 16 + ((attrLen + 3) & ~3);
            byte* buf = stackalloc byte[msgLen];
            new Span<byte>(buf, msgLen).Clear();
            *(uint*)buf = (uint)msgLen;                                 // nlmsghdr: len, type, flags, seq, pid
            *(ushort*)(buf + 4) = RTM_DELLINK;
            *(ushort*)(buf + 6) = NLM_F_REQUEST | NLM_F_ACK;
            // ifinfomsg (16 bytes, all zero: AF_UNSPEC, index 0 = by name), then IFLA_IFNAME.
            *(ushort*)(buf + 32) = (ushort)attrLen;
            *(ushort*)(buf + 34) = IFLA_IFNAME;
            ifname.CopyTo(new Span<byte>(buf + 36, ifname.Length));

            int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
            if (fd < 0) throw Failed(name, errno);
            try
            {
                if ((long)send(fd, buf, (size_t)msgLen, 0) < 0) throw Failed(name, errno);
                byte* reply = stackalloc byte[1024];
                long n = recv(fd, reply, 1024, 0);
                if (n < 0) throw Failed(name, errno);
                if (n >= 20 && *(ushort*)(reply + 4) == NLMSG_ERROR && *(int*)(reply + 16) is int e && e < 0 && -e != ENODEV)
                    throw Failed(name, -e);
            }
            finally { close(fd); }
        }

        private static MiniDockerException Failed(string name, int errnum) =>
            new("NetworkTeardownFailed", FailureKind.InvalidOperation, $"Could not delete link '{name}': errno {errnum}.", name);
    }
}
