@{
    Synopsis     = 'Lists the paths a container added, changed or deleted (docker diff).'
    Description  = @'
Get-MiniContainerChange reads the container's upper layer (where everything it writes goes) and
compares it with its image's layers or its rootfs folder. Each path is a MiniDocker.ContainerChange
with Path (absolute in the container) and Kind: Added (not in the image), Changed (in the image
and written or touched; a folder something inside was written to is Changed too, as in docker
diff) or Deleted (a whiteout hides the image's file; a folder the container removed and made
again, as rm -rf /etc/foo; mkdir /etc/foo does, lists each of the image's entries in it as
Deleted). The output is in path order and has a
ContainerName property added. Works for running and stopped containers; a container that never
ran has no changes.

Mounts are not part of it: a volume or tmpfs written by the container does not show.
'@
    Parameters   = @{
        Kind = 'Only changes of these kinds (Added, Changed, Deleted).'
    }
    Outputs      = @{ 'MiniDocker.ContainerChange' = 'One per changed path.' }
    Examples     = @(
        @{
            Title   = 'What did the container write?'
            Code    = 'Get-MiniContainerChange web | Format-Table Kind, Path'
            Remarks = 'Prints lines such as "Added /tmp/cache", "Changed /etc", "Deleted /etc/motd".'
        }
        @{
            Title   = 'Only deletions'
            Code    = 'Get-MiniContainerChange web -Kind Deleted'
            Remarks = 'The files of the image the container removed.'
        }
    )
    RelatedLinks = @('Copy-MiniContainerItem', 'ConvertTo-MiniImage')
}
