@{
    Synopsis     = 'Removes every stopped container and, with -Image, every unused image (docker system prune).'
    Description  = @'
Clear-MiniSystem removes, in one command, every container that has stopped (state Exited or
Dead; with -IncludeCreated also the ones never started), with everything each one owns (its
folder, logs, cgroups, network lease), exactly as Remove-MiniContainer does. Running and paused
containers are never touched. With -Image it then removes every image that no remaining
container uses, and the layers only those images used.

It asks for each removal with -Confirm and only tells with -WhatIf. A container or image that
cannot be removed is a non-terminating error and the rest go on. Prune-MiniSystem is an alias.
'@
    Parameters   = @{
        Image          = 'Also removes every image that no container uses (docker system prune -a).'
        IncludeCreated = 'Also removes containers that were created and never started.'
        PassThru       = 'Writes each removed container and image to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: each removed container.'; 'MiniDocker.Image' = 'With -PassThru and -Image: each removed image.' }
    Examples     = @(
        @{
            Title   = 'See what a prune would remove, then do it'
            Code    = @'
Clear-MiniSystem -Image -WhatIf
Clear-MiniSystem -Image -PassThru | Select-Object Name
'@
            Remarks = 'The first line only lists the containers and images; the second removes them and names them.'
        }
    )
    RelatedLinks = @('Remove-MiniContainer', 'Remove-MiniImage')
}
