@{
    Synopsis     = 'Changes the cgroup limits of containers: live while they run, or for their next start.'
    Description  = @'
Set-MiniContainerLimit changes only the limits you give; the others keep their values. Every
value is parsed and checked before anything is written (the same ErrorIds as New-MiniContainer:
InvalidMemorySize, MemorySwapBelowMemory, InvalidCpus, InvalidCpuset, ...), so bad input leaves
the container, its record and its cgroup as they were.

A Running or Paused container gets the new limits written into its cgroup at once, memory first,
then pids, CPU and cpuset. A Created or Exited container keeps them in its configuration and
gets them at its next start.

Lowering -Memory below what the container uses now behaves differently on the two cgroup
versions. On cgroup v1 the kernel tries to reclaim memory down to the new limit and, if it
cannot (no swap, tmpfs or locked pages), refuses the write with EBUSY: the error is
MemoryBelowUsage, the old limit stays in force and nothing else is changed. On cgroup v2
memory.max accepts any value at once: the kernel reclaims, and if it cannot get under the limit
it OOM-kills processes of the container (which then exits with OomKilled true).

On cgroup v1 memory.limit_in_bytes may never exceed memory.memsw.limit_in_bytes, so when the
memory limit grows the memsw limit is raised first, and when it shrinks the memory limit goes
first. Raising -Memory above an earlier explicit -MemorySwap is a MemorySwapBelowMemory error:
give both.
'@
    Parameters   = @{
        Memory     = 'New memory limit: bytes, 512MB, or a string such as ''256m'' or ''1.5g'' (1024-based). At least 6 MB. See the description for what lowering it below current usage does on v1 and v2.'
        MemorySwap = 'New memory-plus-swap limit (docker''s --memory-swap); -1 for unlimited swap. Needs a memory limit (given now or earlier) and cannot be below it.'
        Cpus       = 'New CPU bandwidth in CPUs (0.5 is half a CPU), from 0.01 to the number of online CPUs.'
        CpuShares  = 'New relative CPU weight on the v1 scale 2-262144; on cgroup v2 written as cpu.weight with crun''s mapping (1024 becomes 100).'
        CpusetCpus = 'New set of CPUs the container may run on, e.g. 0-1,3; every CPU must be online.'
        PidsLimit  = 'New maximum number of processes and threads; -1 for unlimited. Lowering it below the current count stops new forks without killing anything.'
        PassThru   = 'Writes the updated container (with its new Limits) to the pipeline.'
    }
    Outputs      = @{ 'MiniDocker.Container' = 'With -PassThru: the container with its updated Limits.' }
    Examples     = @(
        @{
            Title   = 'Lower the memory of every web container while they run'
            Code    = 'Get-MiniContainer web* | Set-MiniContainerLimit -Memory 128MB'
            Remarks = 'Writes 134217728 into each running container''s memory limit. On cgroup v1 a container that uses more and cannot be reclaimed below it reports MemoryBelowUsage and keeps its old limit.'
        }
        @{
            Title   = 'Give a created container limits before it starts'
            Code    = @'
$c = New-MiniContainer ./out/rootfs /bin/mdtest, spin, 10 -Name busy
$c | Set-MiniContainerLimit -Cpus 0.5 -PidsLimit 64 -PassThru | Select-Object -ExpandProperty Limits
$c | Start-MiniContainer
'@
            Remarks = 'The limits are stored with the container and written into its cgroup when it starts: the spin loop gets half a CPU.'
        }
        @{
            Title   = 'See what would change'
            Code    = 'Set-MiniContainerLimit -Name db -Memory 1g -MemorySwap 2g -WhatIf'
            Remarks = 'Shows the container and the limits that would be set, and changes nothing.'
        }
    )
    RelatedLinks = @('New-MiniContainer', 'Get-MiniContainerStat', 'Get-MiniContainer')
}
