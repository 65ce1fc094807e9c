@{
    Synopsis     = 'Gives a container a new name.'
    Description  = @'
Rename-MiniContainer (docker rename) changes the name of a container, running or not. The new
name follows the rules of New-MiniContainer -Name (1-128 letters, digits, '_', '.' or '-',
starting with a letter or digit; otherwise InvalidContainerName) and must not be taken by another
container (ContainerNameInUse); the check and the change happen under the state store's lock, so
two renames or a rename and a New-MiniContainer cannot both take the same name.

The id, the hostname and everything else stay as they were. A running container on a bridge
network keeps the old name in its /etc/hosts until it is started again (its /etc/hosts is
written at each start).
'@
    Parameters   = @{
        NewName  = 'The new name of the container.'
        PassThru = 'Writes the renamed container to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: the renamed container.' }
    Examples     = @(
        @{
            Title   = 'Rename a container'
            Code    = 'Rename-MiniContainer -Name web-1 -NewName web-old -PassThru'
            Remarks = 'The container keeps its id; Get-MiniContainer web-old finds it, web-1 is free for a new container.'
        }
    )
    RelatedLinks = @('New-MiniContainer', 'Get-MiniContainer')
}
