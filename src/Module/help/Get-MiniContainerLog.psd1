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

The log has a size cap: when it reaches 16 MiB (MINIDOCKER_LOG_MAX_BYTES changes it for
containers started afterwards) the monitor renames it to container.log.1, replacing an older
one, and starts a new file; so at most twice the cap is kept, and the oldest lines go first.
-Follow starts with the oldest line kept and follows the files across rotations. A follower that
reads so slowly that a file it had not read yet was rotated away never fails: it writes a warning
with the number of bytes it missed and goes on with the oldest line still kept. To get every line
of a container however much it writes, start it with Start-MiniContainer -Wait, which streams from
the monitor and is not limited by the log's cap.
'@
    Parameters   = @{
        Tail   = 'Returns only the last N lines (of those at or after -Since), read from the end of the log, so a long log costs only what is returned; with -Follow the stream starts with them.'
        Follow     = 'Keeps streaming new lines until the container exits or Ctrl+C is pressed. When the log was rotated past the reader, a warning says how many bytes it missed.'
        Timestamps = 'Shows each line''s UTC timestamp (100 ns precision) and stream before its text, like docker logs --timestamps. The objects are the same LogEntry objects.'
        Since      = @{ Description = 'Only lines written at or after this time (a local time is converted to UTC).'; Default = 'All kept lines' }
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
            Title   = 'The last five minutes, with timestamps'
            Code    = 'Get-MiniContainerLog web-1 -Since (Get-Date).AddMinutes(-5) -Timestamps'
            Remarks = 'Each line starts with its timestamp and stream.'
        }
        @{
            Title   = 'Follow a running container'
            Code    = 'Get-MiniContainerLog web-1 -Follow -Tail 0'
            Remarks = 'Prints new lines as they come, until the container exits or Ctrl+C.'
        }
    )
    RelatedLinks = @('Start-MiniContainer', 'Get-MiniContainer')
}
