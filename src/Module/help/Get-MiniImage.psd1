@{
    Synopsis     = 'Lists imported images: one object per name:tag, like docker images.'
    Description  = @'
Get-MiniImage reads the image store under $env:MINIDOCKER_ROOT/images. An image with several
tags is listed once per tag; an image without a tag (its name moved to a newer import) is listed
once as <none>. The table shows Name, Tag, the 12-character Id, Size (file bytes in all layers)
and Created; the objects also carry Layers (diff_id and size of each, bottom first), Config (Env,
Entrypoint, Cmd, WorkingDir, User) and Source (what it was imported from).
'@
    Parameters   = @{
        Name = 'Names to list: name or name:tag, wildcards allowed (''alpine*''). A name without wildcards that matches nothing is an ImageNotFound error. Default: every image.'
        Id   = 'Image ids or unique prefixes of them (at least 4 characters; AmbiguousImageId when several match).'
    }
    Examples     = @(
        @{ Title = 'List every image'; Code = 'Get-MiniImage'; Remarks = 'One row per name:tag.' }
        @{ Title = 'The layers of an image'; Code = '(Get-MiniImage alpine:3.20).Layers'; Remarks = 'Each layer''s DiffId names its directory under $env:MINIDOCKER_ROOT/layers.' }
    )
    RelatedLinks = @('Import-MiniImage', 'Remove-MiniImage')
}
