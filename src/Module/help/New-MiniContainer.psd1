@{
    Synopsis     = 'Creates a container from a root filesystem folder or an imported image; nothing runs until Start-MiniContainer.'
    Description  = @'
New-MiniContainer checks everything it can up front and records a container in the state store
in the Created state. The root filesystem folder must exist and must hold the command: the
first element of -Command is looked up inside the folder the way execvp would (as given when it
contains a '/', otherwise on the container's PATH, following absolute symlinks such as
/bin/sh -> /bin/busybox inside the folder). Bad input is a terminating error with a specific
ErrorId (RootFsNotFound, RootFsNotDirectory, CommandNotFound, CommandNotExecutable (no execute
bit, or a directory), CommandInterpreterNotFound (a script's #! interpreter or a dynamically linked
program's loader is missing from the rootfs), CommandWrongArchitecture, EmptyCommand, InvalidContainerName,
ContainerNameInUse, InvalidHostname, InvalidEnvironment, InvalidWorkingDirectory, and for the
limits InvalidMemorySize, InvalidMemorySwapSize, MemorySwapBelowMemory, MemorySwapWithoutMemory,
InvalidCpus, InvalidCpuShares, InvalidCpuset, InvalidPidsLimit) and leaves nothing behind.

The folder is never written to: when the container starts, it becomes the read-only lower
layer of an overlay and the container writes into its own upper layer, which
Remove-MiniContainer deletes. Many containers can share one folder.

When it runs, the container gets new PID, mount, UTS, IPC and network namespaces (only lo,
which is up), a fresh /proc, a minimal /dev, a read-only /sys, its own cgroup (pids limited to
4096 by default) and the environment PATH, HOSTNAME and HOME=/root plus -Environment.

Security defaults are at least Docker's: its 14 capabilities (empty inheritable and ambient
sets), no_new_privs, Docker's default seccomp profile, masked /proc and /sys paths (kcore, keys,
timer_list, sched_debug, scsi, acpi, /sys/firmware, ...), read-only /proc/sys, /proc/bus,
/proc/fs, /proc/irq and /proc/sysrq-trigger, RLIMIT_NOFILE 1024:524288, only fds 0-2. Devices:
Docker's device cgroup (cgroup v1 devices controller, or a BPF device program on v2) lets the
container open only null, zero, full, random, urandom, tty, console, ptmx, its ptys, tun and
-Device nodes, so a node made with CAP_MKNOD (in a volume, say) opens nothing else (EPERM);
volumes are nosuid unless their options say suid. Paths the image
controls (a /proc or /dev that is a symlink) are resolved inside the root filesystem, never on
the host. -CapAdd, -CapDrop, -Privileged, -SecurityOpt, -Ulimit, -User and -ReadOnly change them.
'@
    Parameters   = @{
        Image            = @'
An imported image (Import-MiniImage): name[:tag] (the tag defaults to latest) or a unique id
prefix. Its layers are stacked with overlayfs under the container's own writable layer, so
creating a container costs the same for a 5 MB and a 500 MB image and the image is never
written to. The image's config gives the defaults: Entrypoint + Cmd (-Command replaces Cmd),
Env (under -Environment), WorkingDir and User (-WorkingDirectory and -User override them).
Exactly one of -Image and -RootFs. ImageNotFound when there is no such image. A registry
reference (alpine:3.20, localhost:5000/team/app@sha256:...) is pulled first as -Pull says.
'@
        Pull             = @{ Description = @'
With -Image: Missing pulls the image from its registry (Receive-MiniImage, this machine's
platform, credentials from Connect-MiniRegistry or docker login) only when the store does not
have it, as docker run does; Always pulls every time (a moved tag is picked up, unchanged layers
are not fetched again); Never uses the store only (ImageNotFound otherwise).
'@; Default = 'Missing' }
        Volume           = @'
Bind mounts, each hostPath:containerPath[:OPTIONS]. The host path must exist
(VolumeSourceNotFound); a relative one is resolved against the current location. The container
path must be absolute without '..' (InvalidMountTarget); it is created in the container's own
layer when missing, and symlinks on the way are resolved inside the root filesystem (by the
engine from the layers, and again by mdhelper with openat2 RESOLVE_IN_ROOT), never on the host.
OPTIONS is a comma-separated list: 'ro' makes the bind read-only ('rw', the default, writable);
'suid' lets set-user-ID files and file capabilities in it take effect, which volumes otherwise
lose (nosuid): an image's user could become root through a setuid file a host user put there.
The bind keeps the host mount's nodev, noexec and nosuid. InvalidVolume for anything else.
'@
        Device           = @'
Host device nodes for the container, as docker --device: hostDevice[:containerPath][:PERMISSIONS].
hostDevice must be a character or block device on the host (symlinks such as
/dev/disk/by-id/... are followed; DeviceNotFound otherwise). containerPath (default: the host
path) must be below /dev and not /dev/pts, /dev/shm or the /dev symlinks (InvalidDevicePath).
PERMISSIONS, a combination of r (read), w (write) and m (mknod), is what the device cgroup
allows on it (default rwm). The node is made with the host node's type, numbers and mode.
'@
        Network          = @{ Description = @'
none: only lo, which is up. host: the host's network stack (no network namespace of its own),
with copies of the host's /etc/hosts and /etc/resolv.conf. bridge: the default network (bridge
md0, a /24 from 10.89.0.0 up that no host route uses, chosen on first use); or the name of a
network made with New-MiniNetwork. On a bridge network the container gets eth0 with the next
free address of the subnet (a veth whose host end md<11 hex of the id> is on the bridge), a
default route via the gateway (not on -Internal networks), outbound traffic masqueraded, and
generated /etc/hosts (localhost lines, its hostname and name with its address), /etc/hostname
and /etc/resolv.conf (the host's servers, systemd-resolved's 127.0.0.53 replaced by its
upstreams, loopback servers dropped). Unknown names are NetworkNotFound.
On networks made with New-MiniNetwork (where aardvark-dns is installed) resolv.conf names only
the network's DNS server on the gateway, which answers the names and -NetworkAlias of the
network's running containers and forwards other names to the servers the container would have
used (-Dns or the host's). Where the kernel cannot make a bridge (no bridge/veth modules) the
start fails with BridgeNotSupported: use -Network none.
pasta (rootless only): a user-mode network served by pasta from the passt package, as with
Podman. The container gets eth0 10.0.2.100/24, a default route via 10.0.2.2 and resolv.conf
naming 10.0.2.3 (pasta forwards it to the host's resolver); outbound TCP/UDP leaves through the
host's sockets; -Publish ports are bound on the host by pasta and forwarded into the container;
the gateway is not the host's loopback. pasta runs as long as the container (the monitor starts
it before the command and kills it at the exit). Needs pasta installed (else PastaNotInstalled)
and /dev/net/tun mode 0666 (else TunDeviceUnavailable); a taken host port is
PortAlreadyAllocated. Rootless, bridge and host networks are RootlessNetworkUnsupported.
slirp4netns (rootless only): the same network (addresses, DNS, -Publish) served by slirp4netns,
which -Network pasta becomes at New-MiniContainer where pasta is not installed and slirp4netns
is (the container's Network then says slirp4netns, and -Verbose says why). The monitor runs it
with --configure --mtu=65520 --disable-host-loopback --enable-seccomp, adds each -Publish port
through its API socket before the command starts, and it dies with the monitor (--exit-fd).
Not installed: Slirp4netnsNotInstalled; a port another program holds: PortAlreadyAllocated; a
port it cannot bind otherwise: Slirp4netnsFailed. MINIDOCKER_HELPER_BINARIES_DIR (directories,
':'-separated) replaces the system directories where pasta and slirp4netns are looked for.
'@; Default = 'bridge as root, none rootless (MINIDOCKER_DEFAULT_NETWORK changes it)' }
        Publish          = @'
Published ports, docker -p syntax: [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp], ranges as
8080-8081:80-81. Traffic to the host port (from other hosts, and from the host's own 127.0.0.1)
is DNATed to the container's address by the nftables table inet minidocker. The container's
monitor keeps the host port bound while it runs, so a port another program uses fails the start
with PortAlreadyAllocated (as does one another container publishes). Malformed values are
InvalidPublish; with -Network none or host, or an -Internal network, PublishNeedsBridgeNetwork.
'@
        Dns              = 'DNS servers (IP addresses) for the container''s /etc/resolv.conf instead of the host''s (InvalidDns otherwise).'
        AddHost          = 'Extra /etc/hosts lines as NAME:IP, e.g. db:10.89.0.5 (InvalidAddHost otherwise).'
        NetworkAlias     = @'
More names the container answers to on its network's DNS, besides its name and 12-digit short id
(docker --network-alias). Only on networks made with New-MiniNetwork, which run aardvark-dns on
their gateway (NetworkAliasNeedsUserNetwork on none, host and bridge); a name that is not a host
name is InvalidNetworkAlias. Several containers may share an alias: the name then resolves to all.
'@
        Tmpfs            = 'Container paths that get a fresh tmpfs (nosuid, nodev, noexec, mode 1777), created like -Volume targets.'
        RootFs           = @'
The root filesystem folder: a directory laid out like /, e.g. an extracted Alpine minirootfs or
the busybox folder build.ps1 makes in out/rootfs. A relative path is resolved against the current
location.
'@
        Command          = @'
The program and its arguments, one array element each (no shell parsing): sh,-c,'echo hi'.
The program must exist and be executable in the root filesystem (CommandNotFound otherwise).
It runs as PID 1 of the container unless -Init is given.
'@
        Name             = @'
A name for the container: 1-128 letters, digits, '_', '.' or '-', starting with a letter or
digit, unique among existing containers. By default a free adjective_noun name such as
happy_otter is chosen.
'@
        Hostname         = 'The hostname inside the container (1-63 letters, digits, ''.'' or ''-''). By default, the container''s ShortId.'
        Environment      = @'
Environment variables for the command, as a hashtable. They are added to the defaults
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin, HOSTNAME and HOME=/root and
override them; a PATH given here is also used to find the command.
'@
        WorkingDirectory = 'The working directory of the command: an absolute path inside the container. Default: /. A directory missing in the root filesystem makes Start-MiniContainer fail with WorkingDirectoryNotFound.'
        AutoRemove       = @'
docker run --rm: once the container has stopped it is removed with everything it owns (folder,
upper layer, log, cgroups, network lease), by the first MiniDocker command that sees it stopped:
Start-MiniContainer -Wait, Wait-MiniContainer and Stop-MiniContainer return it one last time
(with its ExitCode) and remove it; a detached one nobody waits for goes at the next
Get-MiniContainer (or any command that lists containers). It cannot be restarted, and a start that fails removes it (the error is still reported).
'@
        Init             = @'
Runs a small init (mdhelper) as PID 1 that starts the command as its child, forwards signals to
it and reaps orphaned processes. Without it the command is PID 1, and the kernel drops signals
PID 1 has no handler for: a plain 'sleep' ignores Stop-MiniContainer's SIGTERM and is killed
after the timeout (exit code 137); with -Init it dies of SIGTERM (exit code 143).
'@
        Memory           = @'
Memory limit of the container's cgroup (v1 memory.limit_in_bytes, v2 memory.max): a number of
bytes (PowerShell's 512MB is one), or a string such as '512MB', '1.5g', '256m', '100k'. Units
are 1024-based, as in docker and PowerShell. At least 6 MB. Above the limit the kernel reclaims
and then OOM-kills a process of the container; the container's OomKilled becomes true.
'@
        MemorySwap       = @{ Description = @'
Memory plus swap, as docker's --memory-swap (v1 memory.memsw.limit_in_bytes, v2 memory.swap.max
= this minus -Memory). Needs -Memory and cannot be below it (MemorySwapBelowMemory); -1 allows
unlimited swap. A kernel without swap accounting fails the start with SwapLimitUnsupported.
'@; Default = 'Equal to -Memory: no swap' }
        Cpus             = @{ Description = @'
CPU bandwidth in CPUs: 0.5 allows half of one CPU (CFS quota 50000 us per 100000 us period;
v1 cpu.cfs_quota_us, v2 cpu.max). From 0.01 to the number of online CPUs (InvalidCpus).
'@; Default = 'Unlimited' }
        CpuShares        = @{ Description = @'
Relative CPU weight when CPUs are contended, on the v1 scale 2-262144 (1024 is normal). On
cgroup v2 it is mapped to cpu.weight the way crun maps it (1024 becomes 100, 2 becomes 1,
262144 becomes 10000, a log-quadratic curve in between).
'@; Default = 'The kernel''s default weight' }
        CpusetCpus       = @{ Description = 'CPUs the container may run on, in the kernel''s list syntax: 0-1,3. Every CPU must be online on this host (InvalidCpuset).'; Default = 'All CPUs of the parent cgroup' }
        PidsLimit        = @{ Description = 'Most processes and threads the container may have at once (pids.max); a fork beyond it fails with EAGAIN. -1 for unlimited.'; Default = '4096' }
        CapAdd           = @{ Description = @'
Capabilities to give the container on top of Docker's 14 defaults (CHOWN, DAC_OVERRIDE, FSETID,
FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL,
AUDIT_WRITE; CapEff 00000000a80425fb). Names with or without CAP_, any case: NET_ADMIN,
cap_net_admin; ALL for every capability this host has. Adding SYS_ADMIN also opens the
seccomp rules Docker ties to it (mount, unshare, setns, clone with namespace flags). An unknown
name is CapabilityNotFound; one the host's bounding set lacks is CapabilityUnavailable.
SYS_ADMIN is host root, as in Docker without AppArmor: the container can mount a fresh proc
(mount -t proc proc /mnt) whose /mnt/sys is writable and set the host's kernel.core_pattern to a
program the host kernel then runs as root. Like -Privileged, give it only to trusted images.
'@; Default = 'Docker''s 14 defaults' }
        CapDrop          = @'
Capabilities to take away from the defaults; ALL starts from none, and -CapAdd is applied after
the drops (so -CapDrop ALL -CapAdd NET_BIND_SERVICE leaves exactly that one). Inheritable and
ambient sets are always empty. A container running as a non-root -User keeps its capabilities
only in the bounding set, as in Docker.
'@
        Privileged       = @'
Gives up the container's security defaults, not its isolation: every capability the host has,
no seccomp filter, no masked or read-only /proc paths, /sys mounted read-write. The container
still has its own PID, mount, UTS, IPC, network and cgroup namespaces, its own root filesystem,
the default device set in /dev (no host devices are added, but the device cgroup allows every
device, so a node it makes with mknod opens the host's device) and no_new_privs (turn it off with
-SecurityOpt no-new-privileges=false). With CAP_SYS_ADMIN and a writable /sys it can change the
host's kernel settings: use it only for trusted images.
'@
        SecurityOpt      = @{ Description = @'
Docker's --security-opt values: 'seccomp=unconfined' (no filter), 'seccomp=PATH' (a profile in
Docker's JSON format, read at creation: defaultAction, defaultErrnoRet, syscalls with
names/name, action ALLOW/ERRNO/KILL/KILL_THREAD/KILL_PROCESS/TRAP/LOG, errnoRet, args, and
includes/excludes by caps, arches and minKernel; anything else is SeccompProfileUnsupported),
'no-new-privileges' or 'no-new-privileges=false'. apparmor and label options are
SecurityOptUnsupported.
'@; Default = 'Docker''s default seccomp profile (allowlist, EPERM otherwise; clone3 ENOSYS; namespace-creating clone/unshare denied without SYS_ADMIN); no_new_privs on' }
        Ulimit           = @{ Description = @'
Resource limits (setrlimit) as NAME=SOFT[:HARD], docker's --ulimit names: nofile, nproc, core,
stack, memlock, cpu, fsize, data, rss, as, locks, sigpending, msgqueue, nice, rtprio, rttime.
A number or 'unlimited'; one value sets both. A soft limit above the hard one, or an unknown
name, is InvalidUlimit. A hard limit above the caller's own needs CAP_SYS_RESOURCE
(UlimitNotPermitted at start otherwise).
'@; Default = 'nofile=1024:524288 (the hard limit capped at the caller''s own when the host gives no CAP_SYS_RESOURCE); others inherited' }
        User             = @{ Description = @'
Who the command runs as: UID, UID:GID, NAME or NAME:GROUP. Names are looked up in the root
filesystem's /etc/passwd and /etc/group (resolved inside the folder; links never lead out of
it); the supplementary groups are the /etc/group entries that list the user; HOME becomes the
user's home directory. A numeric UID not in /etc/passwd runs with GID 0 and no supplementary
groups. Unknown names are UserNotFound or GroupNotFound.
'@; Default = 'root (0:0)' }
        ReadOnly         = @'
Mounts the container's root filesystem read-only: writes anywhere under / fail with EROFS,
including /tmp. /dev, /dev/shm (64 MiB, writable) and /proc keep their own mounts, as with
docker run --read-only; the container's overlay layer stays empty.
'@
    }
    Outputs      = @{ 'MiniDocker.Container' = 'The new container, in the Created state.' }
    Examples     = @(
        @{
            Title   = 'A throw-away container (docker run --rm)'
            Code    = 'New-MiniContainer ./out/rootfs sh, -c, ''echo hi'' -AutoRemove | Start-MiniContainer -Wait'
            Remarks = 'Prints hi; the container is gone when the command returns (Get-MiniContainer does not list it).'
        }
        @{ Title = 'Reach a database by an alias'; Code = "New-MiniNetwork app`nNew-MiniContainer -Name db1 -Network app -NetworkAlias db -RootFs ./rootfs -Command sleep,1d | Start-MiniContainer`nNew-MiniContainer -Network app -RootFs ./rootfs -Command ping,-c1,db | Start-MiniContainer -Wait"; Remarks = 'The second container resolves db (and db1) through the network''s DNS server on its gateway.' }
        @{ Title = 'Serve a port to the host'; Code = "New-MiniContainer -Name web -Network bridge -Publish 8080:80 -RootFs ./rootfs -Command httpd,-f,-p,80 | Start-MiniContainer"; Remarks = 'http://127.0.0.1:8080 reaches the container''s port 80; Get-MiniContainer web | Select-Object Name, IPAddress, Ports shows its address.' }
        @{ Title = 'Serve a port to the host without root'; Code = "New-MiniContainer -Name web -Network pasta -Publish 127.0.0.1:8080:80 -RootFs ./rootfs -Command httpd,-f,-p,80 | Start-MiniContainer"; Remarks = 'As an ordinary user: pasta binds 127.0.0.1:8080 on the host and forwards it to the container''s port 80; it goes when the container stops.' }
        @{
            Title   = 'Run an image straight from a registry'
            Code    = 'New-MiniContainer -Image alpine:3.20 -Command cat, /etc/os-release | Start-MiniContainer -Wait'
            Remarks = 'The image is pulled the first time (-Pull Missing, the default) and taken from the store afterwards.'
        }
        @{
            Title   = 'A container from an imported image, with a volume and a tmpfs'
            Code    = @'
Import-MiniImage ./alpine-minirootfs.tar.gz -Name alpine:3.20
New-MiniContainer -Image alpine:3.20 -Command sh, -c, 'ls /data; df /scratch' -Volume "$PWD/data:/data:ro" -Tmpfs /scratch |
    Start-MiniContainer -Wait
'@
            Remarks = 'The image stays untouched; the container sees ./data read-only at /data and a private tmpfs at /scratch.'
        }
        @{
            Title   = 'A host device passed in, read and write only'
            Code    = @'
New-MiniContainer ./out/rootfs sh, -c, 'echo hi > /dev/mynull && ls -l /dev/mynull' -Device /dev/null:/dev/mynull:rw |
    Start-MiniContainer -Wait
'@
            Remarks = 'The container gets a node for the host''s /dev/null at /dev/mynull; its device cgroup allows reading and writing it, but not making another node for it.'
        }
        @{
            Title   = 'Tighter or looser security'
            Code    = @'
New-MiniContainer ./out/rootfs sh, -c, 'id; grep Cap /proc/self/status' `
        -User nobody -ReadOnly -CapDrop ALL -CapAdd NET_BIND_SERVICE -Ulimit nofile=256 | Start-MiniContainer -Wait
New-MiniContainer ./out/rootfs sh, -c, 'unshare -n true && echo allowed' -SecurityOpt seccomp=unconfined -CapAdd SYS_ADMIN | Start-MiniContainer -Wait
'@
            Remarks = 'The first container runs as nobody on a read-only root with only NET_BIND_SERVICE in its bounding set and 256 open files. The second may create namespaces: no seccomp filter and CAP_SYS_ADMIN.'
        }
        @{
            Title   = 'Create and run a container'
            Code    = @'
New-MiniContainer ./out/rootfs sh, -c, 'hostname; ps' -Hostname hello | Start-MiniContainer -Wait
'@
            Remarks = 'Creates a container from the rootfs folder, starts it and streams its output. The shell sees the hostname hello and only its own processes, itself as PID 1.'
        }
        @{
            Title   = 'Name, environment and working directory'
            Code    = @'
$c = New-MiniContainer -RootFs ./out/rootfs -Command sh, -c, 'echo "$GREETING from $(pwd)"' `
        -Name greeter -Environment @{ GREETING = 'hello' } -WorkingDirectory /tmp
$c | Start-MiniContainer -Wait
$c | Remove-MiniContainer
'@
            Remarks = 'Prints "hello from /tmp". The container keeps its name until it is removed; a second New-MiniContainer -Name greeter fails with ContainerNameInUse.'
        }
        @{
            Title   = 'A long-running service that stops cleanly'
            Code    = @'
New-MiniContainer ./out/rootfs sleep, 3600 -Name sleeper -Init | Start-MiniContainer
Stop-MiniContainer sleeper -PassThru | Select-Object Name, State, ExitCode
'@
            Remarks = 'With -Init the SIGTERM from Stop-MiniContainer reaches sleep at once: ExitCode is 143 (128 + SIGTERM).'
        }
        @{
            Title   = 'Limits: the kernel enforces them'
            Code    = @'
$c = New-MiniContainer ./out/rootfs /bin/mdtest, memhog, 64 -Memory 32MB -Cpus 0.5 -PidsLimit 100
$c | Start-MiniContainer -Wait | Select-Object -Last 1
Get-MiniContainer -Id $c.Id | Select-Object Name, ExitCode, OomKilled
'@
            Remarks = 'The test program allocates 64 MB in a 32 MB container: the kernel OOM-kills it at about 31 MB, ExitCode is 137 and OomKilled is True.'
        }
    )
    Notes        = @'
Needs root. State is kept under $env:MINIDOCKER_ROOT (default /var/lib/minidocker); the
container's cgroup is created at start under $env:MINIDOCKER_CGROUP_PARENT (a relative path is
nested under the caller's own cgroup; default 'minidocker').
'@
    RelatedLinks = @('Start-MiniContainer', 'Get-MiniContainer', 'Remove-MiniContainer', 'Set-MiniContainerLimit')
}
