@{
    Synopsis     = 'Describes the host and the engine: cgroup mode and controllers, kernel, module version, helper, state roots and counts.'
    Description  = @'
Get-MiniSystemInfo (docker info and docker version) writes one MiniDocker.SystemInfo object:

- CgroupMode: 'v2' (a cgroup2 filesystem on /sys/fs/cgroup), 'v1 hybrid' (v1 hierarchies and a
  unified one beside them) or 'v1'; CgroupControllers: the controllers there (v2: the root's
  cgroup.controllers; v1: the mounted hierarchies).
- KernelRelease (uname -r) and ModuleVersion (the MiniDocker module).
- HelperPath, HelperExists and HelperSealed: whether the helper runs from a sealed in-memory copy
  (the protection against CVE-2019-5736) or from its file.
- StateRoot, RunRoot and CgroupParent: where the engine keeps its state and cgroups.
- Containers, ContainersByState (Created, Running, Paused, Exited, Dead) and Images.
- Rootless: Mode, SubUidRange, NewUidMap, DelegatedControllers, Pasta; OverlayInUserNamespace
  (the kernel mounts overlayfs in a user namespace), FuseOverlayFs (its fallback's binary) and
  RootlessOverlay: what a rootless container's rootfs gets here (native, fuse-overlayfs, or none:
  install fuse-overlayfs).
- Mode (root or rootless) and what rootless mode finds; among it Pasta and Slirp4netns, the
  user-mode networks' tools (-Network pasta uses slirp4netns where only slirp4netns is found).
'@
    Parameters   = @{}
    Outputs      = @{ 'MiniDocker.SystemInfo' = 'The description of the host and the engine.' }
    Examples     = @(
        @{
            Title   = 'What does this host offer?'
            Code    = 'Get-MiniSystemInfo | Select-Object CgroupMode, CgroupControllers, KernelRelease, HelperSealed'
            Remarks = 'On a WSL2 or current distribution host CgroupMode is v2; limits need the controllers listed.'
        }
        @{
            Title   = 'Which overlay will my rootless containers get?'
            Code    = 'Get-MiniSystemInfo | Select-Object Mode, OverlayInUserNamespace, FuseOverlayFs, RootlessOverlay'
            Remarks = 'RootlessOverlay is native on kernels 5.11 and later; fuse-overlayfs where the kernel refuses (or MINIDOCKER_ROOTLESS_OVERLAY asks for it); none means: install fuse-overlayfs.'
        }
    )
    RelatedLinks = @('Get-MiniContainer', 'Get-MiniImage')
}
