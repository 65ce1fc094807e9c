@{
    Synopsis     = 'Writes stored images to a docker save archive or an OCI image layout, like docker save, so Docker, Podman, skopeo and Kubernetes can load them.'
    Description  = @'
Save-MiniImage writes one or more stored images (all names given or piped in go into one
archive) as -Format says:

- DockerArchive (default): what docker save writes since Docker 25, a tar holding an OCI image
  layout plus manifest.json (Config, RepoTags, Layers). docker load, podman load, skopeo
  (docker-archive:FILE) and Import-MiniImage read it. Layers are uncompressed, as docker save
  writes them.
- OciArchive: an OCI image layout in a tar (skopeo's oci-archive:FILE), gzip layers.
- OciLayout: an OCI image layout folder (skopeo's oci:DIR:TAG), gzip layers. The folder must be
  new or empty.

Each image is listed under the name:tag it was given (index.json's
org.opencontainers.image.ref.name is the tag, io.containerd.image.name the full name); an image
given by id is listed without a name. Every blob is named by its sha256, so a reader checks it.

The store keeps extracted files rather than the original layer tars, so, as with
Send-MiniImage, the layers are written again (overlay whiteouts as .wh. files) and the layer
digests, the config and so the image id in the archive are those of the tars written here;
importing the archive gives an image with the archive's config id. The config records the
image's platform (the one its own config named when it was pulled or imported; this machine's
for an image made here).

Nothing is left at -Path unless every image was written: a tar is written to a temporary file
beside it and renamed (an existing file is replaced, as docker save -o does), a layout folder
is built beside it and renamed. Errors: ImageNotFound, ExportPathExists (a layout folder that
is not empty, or a folder given for a tar), ExportDirectoryNotFound, ExportWriteFailed.
'@
    Parameters   = @{
        Name   = 'The stored images: name[:tag] (tag defaults to latest) or a unique id prefix. Image objects from Get-MiniImage can be piped in; all go into one archive.'
        Path   = 'The tar file to write (DockerArchive, OciArchive) or the folder (OciLayout). Relative paths are resolved against the current location. -Output is an alias, after docker save -o.'
        Format = @{ Description = 'DockerArchive (docker save''s tar), OciArchive (an OCI layout as a tar) or OciLayout (an OCI layout folder).'; Default = 'DockerArchive' }
    }
    Examples     = @(
        @{
            Title   = 'Save an image for docker load'
            Code    = 'Save-MiniImage web:snapshot -Path ./web.tar; docker load -i ./web.tar'
            Remarks = 'Export-MiniImage is an alias. podman load and Import-MiniImage read the same file.'
        }
        @{
            Title   = 'Write an OCI layout and copy it on with skopeo'
            Code    = @'
Get-MiniImage app | Save-MiniImage -Path ./app-layout -Format OciLayout
skopeo copy oci:./app-layout:latest docker://registry.example.com/team/app:latest
'@
            Remarks = 'The layout''s index names each image by its tag, which is how skopeo''s oci: transport finds it.'
        }
    )
    RelatedLinks = @('Import-MiniImage', 'Send-MiniImage', 'Get-MiniImage', 'ConvertTo-MiniImage')
}
