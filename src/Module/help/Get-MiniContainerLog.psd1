@{
    Synopsis     = 'Gets what containers wrote to stdout and stderr, as timestamped entries.'
    Description  = @'
The container's monitor writes every line the container prints to the container's log, with a
nanosecond UTC timestamp and the stream it came from. Get-MiniContainerLog returns these lines
as LogEntry objects (Timestamp, Stream, Text); the default view shows only the text, like
'docker logs'. Logs are kept until the container is removed; starting a container again
appends to its log.

With -Follow the cmdlet keeps returning new lines as they are written until the container exits
or you press Ctrl+C.
'@
    Parameters   = @{
        Tail   = 'Returns only the last N lines (with -Follow: starts N lines before the end).'
        Follow = 'Keeps streaming new lines until the container exits or Ctrl+C is pressed.'
    }
    Outputs      = @{ 'MiniDocker.LogEntry' = 'Timestamp (UTC DateTime), Stream (stdout or stderr) and Text of one line.' }
    Examples     = @(
        @{
            Title   = 'The last lines of a container''s output'
            Code    = 'Get-MiniContainerLog web-1 -Tail 20'
            Remarks = 'Like docker logs --tail 20.'
        }
        @{
            Title   = 'Only errors, with their time'
            Code    = 'Get-MiniContainerLog web-1 | Where-Object Stream -eq stderr | Format-Table Timestamp, Text'
            Remarks = 'Each entry keeps the stream it was written to.'
        }
        @{
            Title   = 'Follow a running container'
            Code    = 'Get-MiniContainerLog web-1 -Follow -Tail 0'
            Remarks = 'Prints new lines as they come, until the container exits or Ctrl+C.'
        }
    )
    RelatedLinks = @('Start-MiniContainer', 'Get-MiniContainer')
}
