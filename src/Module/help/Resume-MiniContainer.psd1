@{
    Synopsis     = 'Resumes paused containers: their cgroup is thawed and the state is Running again.'
    Description  = @'
Resume-MiniContainer thaws the container's cgroup (v1 freezer.state THAWED, v2 cgroup.freeze 0)
and records the state Running. The processes continue where they were frozen. Resuming a
container that is not paused is a ContainerNotPaused error.
'@
    Parameters   = @{
        PassThru = 'Writes the resumed container (State Running) to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: the resumed container.' }
    Examples     = @(
        @{
            Title   = 'Resume every paused container'
            Code    = 'Get-MiniContainer -State Paused | Resume-MiniContainer -PassThru'
            Remarks = 'Lists each container as it is resumed, now in state Running.'
        }
    )
    RelatedLinks = @('Suspend-MiniContainer', 'Get-MiniContainer')
}
