# Parameter texts shared by many cmdlets. A cmdlet's own help file overrides any of them.
@{
    Parameters = @{
        Name        = @'
The names of the containers to act on. Wildcards are allowed (-Name 'web-*'); a name without
wildcards that matches no container is a ContainerNotFound error. Tab completion offers the
existing names. Binds by property name, so objects with a Name property can be piped in.
'@
        Id          = @'
The ids of the containers to act on: the full 64-character id or any unique prefix of it (the
12-character ShortId is enough). A prefix that matches several containers is an
AmbiguousContainerId error. Binds by property name.
'@
        InputObject = @'
Container objects, as returned by New-MiniContainer or Get-MiniContainer; usually piped in. Each
is read again from the state store, so a stale object acts on the container as it is now; a
container removed meanwhile is a ContainerNotFound error.
'@
        WhatIf      = 'Shows what would happen if the cmdlet runs. The cmdlet is not run.'
        Confirm     = 'Prompts you for confirmation before running the cmdlet.'
    }
}
