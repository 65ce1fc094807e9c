@{
    Synopsis     = 'Writes a container''s filesystem as a tar file: its image or rootfs with the container''s changes applied.'
    Description  = @'
Export-MiniContainer writes the filesystem the container sees (like docker export): the
container's own layer over its image's layers (or its rootfs folder), with deleted files and
replaced directories applied, computed from the layer directories without mounting anything.
Mounted volumes, tmpfs, /proc, /sys and /dev contents are not included. Owners, modes, mtimes,
symlinks and hardlinks are kept (PAX format). The file is written to a temporary name and
renamed when complete; the container may be in any state. Errors about the container:
ExportDirectoryNotFound (the folder of -Path does not exist), ExportPathIsDirectory,
ExportWriteFailed (e.g. no space or permission).
'@
    Parameters   = @{
        Path = 'The tar file to write (replaced if it exists). Relative paths are resolved against the current location.'
    }
    Outputs      = @{ 'System.IO.FileInfo' = 'The tar file written.' }
    Examples     = @(
        @{ Title = 'Export a container'; Code = 'Export-MiniContainer web -Path ./web.tar; tar -tf ./web.tar | Select-Object -First 5'; Remarks = 'The tar can be imported again with Import-MiniImage.' }
    )
    RelatedLinks = @('ConvertTo-MiniImage', 'Import-MiniImage')
}
