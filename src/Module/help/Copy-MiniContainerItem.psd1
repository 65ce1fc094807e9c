@{
    Synopsis     = 'Copies files and folders out of a container or into it (docker cp), running or stopped.'
    Description  = @'
Without -ToContainer, -Path names a file, folder or symlink in the container and -Destination a
host path; with -ToContainer, -Path is on the host and -Destination in the container. When the
destination is an existing folder the item is copied into it under its own name, otherwise it
is created as the destination (its parent folder must exist: DestinationNotFound on the host,
ContainerPathNotFound in the container). Folders are copied recursively; symlinks inside a
copied folder are copied as symlinks, never followed; fifos are made anew (never opened), as
docker cp's tar carries them; device nodes and sockets are skipped, each with a warning naming it.
Setuid and setgid bits are dropped from files copied in.

Container paths are absolute and are resolved inside the container's root filesystem exactly as
the container would resolve them: '..' stops at its root and an absolute symlink such as
/etc/x -> / points at the container's root, never the host's. So a hostile container that
plants symlinks cannot make a copy read or write a host file. A running (or paused) container
is reached through its init's root (so its volumes and tmpfs mounts are included), by the
kernel with openat2 RESOLVE_IN_ROOT. A stopped container (Created, Exited, Dead) is read from
its layers, its own changes on top, and written into its upper layer: the file is there when it
starts again. A running rootless container on fuse-overlayfs (the fallback where the kernel
refuses overlayfs in a user namespace) serves its files only to its own processes: stop it first
(CopyNeedsStoppedContainer otherwise), or copy with Invoke-MiniContainer.
'@
    Parameters   = @{
        Path        = 'What to copy: an absolute path in the container, or with -ToContainer a path on the host (relative to the current location).'
        Destination = 'Where to copy it: a host path, or with -ToContainer an absolute path in the container. An existing folder receives the item under its own name.'
        ToContainer = 'Copies from the host into the container instead of out of it.'
    }
    Examples     = @(
        @{
            Title   = 'Get a file out of a container'
            Code    = 'Copy-MiniContainerItem web -Path /etc/hostname -Destination ./web-hostname'
            Remarks = 'Like docker cp web:/etc/hostname ./web-hostname; works on a stopped container too.'
        }
        @{
            Title   = 'Put a folder into a container before starting it'
            Code    = @'
$c = New-MiniContainer ./out/rootfs sh, -c, 'cat /srv/site/index.html'
Copy-MiniContainerItem -InputObject $c -Path ./site -Destination /srv -ToContainer
$c | Start-MiniContainer -Wait
'@
            Remarks = 'The folder lands in the container''s upper layer as /srv/site; the container prints the page.'
        }
    )
    RelatedLinks = @('Get-MiniContainerChange', 'Export-MiniContainer')
}
