@{
    Synopsis     = 'Imports a rootfs tarball or folder, a docker save archive or an OCI image layout into the image store.'
    Description  = @'
Import-MiniImage reads what -Path is: a rootfs tarball (.tar, .tar.gz, .tgz; gzip is recognised by
its content, and so is zstd), a rootfs folder, a `docker save` archive (a
tar with manifest.json) or an OCI image layout (a folder or tar with oci-layout and index.json; a
multi-platform index is narrowed to this machine's platform, or the one -Platform names, as
Receive-MiniImage narrows one; ImagePlatformNotFound lists what the index has). Multi-layer images keep their layers; OCI
whiteouts (.wh.NAME and .wh..wh..opq) become overlayfs whiteouts and opaque directories.

The store under $env:MINIDOCKER_ROOT is content-addressed: images/ID.json (ID = sha256 of the
image config) and layers/DIFFID/ (sha256 of the uncompressed layer tar). A layer already in the
store is not extracted again, and a layer whose content does not match the digest its config
names is an ImageLayerDigestMismatch error. layers/ is readable by root only.

Extraction treats the archive as hostile: every entry is resolved inside its layer (openat2 with
RESOLVE_IN_ROOT), so absolute paths and symlinks (/bin/sh -> /bin/busybox) stay inside it.
Refused, with nothing imported: '..' in a path or hardlink target, a hardlink to something that
is not a file of the layer, a write through a symlink that leads nowhere inside the layer
(ImageEntryUnsafe); a name component over 255 bytes or a path over 4095 (ImageEntryNameTooLong);
input that is not a tar, is truncated or lacks the end-of-archive marker (ImageArchiveInvalid, saying
whether the first block is no tar header or which entry the damage follows).
Device nodes are skipped with a warning (containers get their own /dev). Owners, modes including
setuid bits (harmless inside: containers run with no_new_privs), mtimes, hardlinks within a layer
and the security.capability xattr are kept; other xattrs are not taken from an archive.

The import is all or nothing: layers are extracted into layers/.tmp-* and renamed into place when
complete, the image record is written last, a failure removes what it made and an interrupted
import's leftovers are removed by the next one. Progress is shown in bytes read.
'@
    Parameters   = @{
        Platform = @{ Description = 'os/arch[/variant] to take from a multi-platform OCI layout, such as linux/arm64/v8 (linux/arm64 means the same). Images of other architectures need qemu-user-static to run.'; Default = 'This machine''s platform (linux/amd64 on x86-64, linux/arm64/v8 on ARM)' }
        Path = 'The rootfs tarball or folder, docker save archive or OCI layout (folder or tar) to import. Relative paths are resolved against the current location; binds FullName from Get-ChildItem output.'
        Name = @'
The image's name[:tag]; the tag defaults to latest. Lowercase letters, digits and '.', '_', '-'
separators, with '/' between components (InvalidImageName otherwise). A name already in use moves
to the new image; the old one stays, listed as <none>, until removed.
'@
    }
    Examples     = @(
        @{
            Title   = 'Import the arm64 image of a multi-platform OCI layout'
            Code    = 'skopeo copy --all docker://docker.io/library/alpine:3.20 oci:./alpine:3.20; Import-MiniImage ./alpine -Name alpine-arm:3.20 -Platform linux/arm64'
            Remarks = 'Without -Platform the layout gives this machine''s image, as a pull does.'
        }
        @{
            Title   = 'Import Alpine''s minirootfs and run it'
            Code    = @'
Import-MiniImage ./alpine-minirootfs-3.20.0-x86_64.tar.gz -Name alpine:3.20
New-MiniContainer -Image alpine:3.20 -Command cat, /etc/os-release | Start-MiniContainer -Wait
'@
            Remarks = 'The tarball becomes one layer; the container runs on an overlay of it.'
        }
        @{
            Title   = 'Import a docker save archive'
            Code    = 'docker save myapp:1.0 -o myapp.tar; Import-MiniImage ./myapp.tar -Name myapp:1.0'
            Remarks = 'Each layer is checked against the config''s diff_ids; the config''s Entrypoint, Cmd, Env, WorkingDir and User become the container defaults.'
        }
        @{
            Title   = 'Import an OCI layout made by skopeo or umoci'
            Code    = 'skopeo copy docker-archive:myapp.tar oci:./myapp-oci:latest; Import-MiniImage ./myapp-oci -Name myapp:oci'
            Remarks = 'Layers shared with images already in the store are not extracted again.'
        }
    )
    RelatedLinks = @('Get-MiniImage', 'Remove-MiniImage', 'New-MiniContainer', 'ConvertTo-MiniImage')
}
