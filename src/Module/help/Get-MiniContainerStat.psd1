@{
    Synopsis     = 'Reads the resource use of running containers from their cgroups: memory, CPU time, pids and OOM kills.'
    Description  = @'
Get-MiniContainerStat returns one MiniDocker.ContainerStats per running or paused container,
read from the container's own cgroup files: memory usage, peak and limit (v1
memory.usage_in_bytes, memory.max_usage_in_bytes, memory.limit_in_bytes; v2 memory.current,
memory.peak when the kernel has it, memory.max), CPU time used (v1 cpuacct.usage, v2 cpu.stat
usage_usec), processes now and their limit (pids.current, pids.max) and the number of OOM kills
(v1 memory.oom_control, v2 memory.events oom_kill). Limits that are not set are $null.

Without -Name, -Id or -InputObject it reports every running or paused container. A container
named explicitly that is not running is a ContainerNotRunning error.

With -Stream it samples again every -Interval seconds until you press Ctrl+C or none of the
containers runs any more; from the second sample on, CpuPercent is the share of one CPU used
since the previous sample (100 is one whole CPU).
'@
    Parameters   = @{
        Stream   = 'Keeps sampling every -Interval seconds until Ctrl+C or until the containers have exited, writing one object per container per sample.'
        Interval = 'Seconds between samples with -Stream, from 0.1 to 3600.'
    }
    Outputs      = @{ 'MiniDocker.ContainerStats' = 'One sample per container: MemoryUsage, MemoryPeak, MemoryLimit, CpuTime, CpuPercent (with -Stream), PidsCurrent, PidsLimit, OomKills, Timestamp.' }
    Examples     = @(
        @{
            Title   = 'Figures for every running container'
            Code    = 'Get-MiniContainerStat'
            Remarks = 'A table like docker stats --no-stream: CPU time, memory usage against the limit, peak, pids against the limit, OOM kills.'
        }
        @{
            Title   = 'Watch one container live'
            Code    = 'Get-MiniContainerStat web-1 -Stream -Interval 2'
            Remarks = 'A new row every two seconds, with the CPU percentage since the previous row, until Ctrl+C or until web-1 exits.'
        }
        @{
            Title   = 'Which containers were OOM-killed or are near their memory limit?'
            Code    = 'Get-MiniContainerStat | Where-Object { $_.OomKills -gt 0 -or ($_.MemoryLimit -and $_.MemoryUsage -gt 0.9 * $_.MemoryLimit) }'
            Remarks = 'The objects carry plain numbers (bytes, counts, TimeSpan), so they filter and sort without parsing text.'
        }
    )
    RelatedLinks = @('Set-MiniContainerLimit', 'Get-MiniContainer')
}
