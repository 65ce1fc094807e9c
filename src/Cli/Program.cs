using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using MiniDocker.Engine;
using MiniDocker.Engine.Containers;
using MiniDocker.Engine.Launch;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace MiniDocker.Cli
{
    /// <summary>
    /// mini-docker run|ps|exec|logs|stop|rm: the C tutorial's interface as a thin shell over the engine, sharing its
    /// state with the cmdlets. Exit codes follow docker: the container's own, else 125 (mini-docker failed),
    /// 126 (command not executable), 127 (command not found).
    /// </summary>
    public static class Program
    {
        private const int Failed = 125, NotExecutable = 126, NotFound = 127;

        private const string Usage = @"Usage: mini-docker COMMAND [OPTIONS]

  run [OPTIONS] IMAGE_FOLDER|IMAGE COMMAND [ARG...]   run a command in a new container (attached)
      --name NAME  -d, --detach  --rm  -e, --env K=V  -h, --hostname H  -w, --workdir DIR  -u, --user U
      -m, --memory SIZE  --cpus N  --pids-limit N  -v, --volume SRC:DST[:ro]  --tmpfs DIR
      --network NET  -p, --publish H:C  --init  --read-only  --privileged  --cap-add CAP  --cap-drop CAP
  ps [-a] [-q]                      list containers (running ones; -a all)
  exec [-e K=V] [-w DIR] [-u U] CONTAINER COMMAND [ARG...]   run a command in a running container
  logs [--tail N] [-t] CONTAINER    print a container's log
  stop [-t SECONDS] CONTAINER...    SIGTERM, then SIGKILL after the timeout (default 10)
  rm [-f] CONTAINER...              remove containers (-f: also running ones)

CONTAINER is a name or a unique id prefix. State is shared with the MiniDocker PowerShell module
(MINIDOCKER_ROOT, MINIDOCKER_RUN_ROOT, MINIDOCKER_CGROUP_PARENT, MINIDOCKER_HELPER apply).
";

        public static int Main(string[] args)
        {
            CliTrace.Mark("main");
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                (args.Length == 0 ? Console.Error : Console.Out).Write(Usage);
                return args.Length == 0 ? Failed : 0;
            }
            try
            {
                var rest = args.Skip(1).ToList();
                return args[0] switch
                {
                    "run" => Run(rest),
                    "ps" => Ps(rest),
                    "exec" => Exec(rest),
                    "logs" => Logs(rest),
                    "stop" => Stop(rest),
                    "rm" => Rm(rest),
                    _ => throw new UsageException($"unknown command '{args[0]}'"),
                };
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"mini-docker: {e.Message}. See 'mini-docker --help'.");
                return Failed;
            }
            catch (MiniDockerException e)
            {
                Console.Error.WriteLine($"mini-docker: {e.Message} ({e.ErrorId})");
                return e.ErrorId switch { "CommandNotFound" => NotFound, "CommandNotExecutable" => NotExecutable, _ => Failed };
            }
        }

        private sealed class UsageException : Exception
        {
            public UsageException(string message) : base(message) { }
        }

        /// <summary>The engine with the helper this install carries: bin/mini-docker sits in the module folder, beside runtimes/.</summary>
        private static ContainerEngine NewEngine()
        {
            var options = new EngineOptions { Trace = CliTrace.Engine };
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MINIDOCKER_HELPER")))
                options.HelperPath = HelperBinary.DefaultPath(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..")));
            return new ContainerEngine(options);
        }

        /// <summary>Options before the first operand; VALUED names take the next word (or =value). Returns the operands.</summary>
        private static List<string> ParseOptions(List<string> args, ISet<string> flags, ISet<string> valued, Dictionary<string, List<string>> found)
        {
            int i = 0;
            for (; i < args.Count; i++)
            {
                string a = args[i];
                if (a == "--") { i++; break; }
                if (!a.StartsWith('-') || a == "-") break;
                string name = a;
                string? value = null;
                int eq = a.IndexOf('=');
                if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0) { name = a.Substring(0, eq); value = a.Substring(eq + 1); }
                if (flags.Contains(name) && value == null) { Add(found, name, ""); continue; }
                if (!valued.Contains(name)) throw new UsageException($"unknown option '{name}'");
                if (value == null)
                {
                    if (++i >= args.Count) throw new UsageException($"option '{name}' needs a value");
                    value = args[i];
                }
                Add(found, name, value);
            }
            return args.Skip(i).ToList();
        }

        private static void Add(Dictionary<string, List<string>> d, string key, string value)
        {
            if (!d.TryGetValue(key, out var list)) d[key] = list = new List<string>();
            list.Add(value);
        }

        private static string? Last(Dictionary<string, List<string>> o, params string[] names) =>
            names.Select(n => o.TryGetValue(n, out var v) ? v[^1] : null).LastOrDefault(v => v != null);

        private static string[] All(Dictionary<string, List<string>> o, params string[] names) =>
            names.SelectMany(n => o.TryGetValue(n, out var v) ? v : Enumerable.Empty<string>()).ToArray();

        private static bool Has(Dictionary<string, List<string>> o, params string[] names) => names.Any(o.ContainsKey);

        private static Dictionary<string, string> EnvironmentOf(IEnumerable<string> pairs)
        {
            var env = new Dictionary<string, string>();
            foreach (var kv in pairs)
            {
                int eq = kv.IndexOf('=');
                // docker's -e NAME without a value passes this process's NAME.
                if (eq < 0) { if (Environment.GetEnvironmentVariable(kv) is string v) env[kv] = v; }
                else env[kv.Substring(0, eq)] = kv.Substring(eq + 1);
            }
            return env;
        }

        // ------------------------------------------------------------------ run

        private static int Run(List<string> args)
        {
            var o = new Dictionary<string, List<string>>();
            var operands = ParseOptions(args,
                new HashSet<string> { "-d", "--detach", "--rm", "--init", "--read-only", "--privileged" },
                new HashSet<string> { "--name", "-e", "--env", "-h", "--hostname", "-w", "--workdir", "-u", "--user", "-m", "--memory", "--cpus",
                    "--pids-limit", "-v", "--volume", "--tmpfs", "--network", "--net", "-p", "--publish", "--cap-add", "--cap-drop" }, o);
            if (operands.Count == 0) throw new UsageException("run needs an image folder or image");
            string source = operands[0];
            bool detach = Has(o, "-d", "--detach"), autoRemove = Has(o, "--rm");
            if (detach && autoRemove) throw new UsageException("--rm cannot be combined with --detach here: mini-docker removes the container after it waited for it");
            // A folder (the seed's image_folder) when one exists at that path, else an imported image's name.
            bool folder = Directory.Exists(source) || source.StartsWith('/') || source.StartsWith("./", StringComparison.Ordinal) || source.StartsWith("../", StringComparison.Ordinal);
            var spec = new ContainerSpec
            {
                RootFs = folder ? source : "",
                Image = folder ? null : source,
                Command = operands.Skip(1).ToArray(),
                Name = Last(o, "--name"),
                Hostname = Last(o, "-h", "--hostname"),
                WorkingDirectory = Last(o, "-w", "--workdir"),
                User = Last(o, "-u", "--user"),
                Environment = EnvironmentOf(All(o, "-e", "--env")),
                Volumes = All(o, "-v", "--volume"),
                Tmpfs = All(o, "--tmpfs"),
                Network = Last(o, "--network", "--net"),
                Publish = All(o, "-p", "--publish"),
                CapAdd = All(o, "--cap-add"),
                CapDrop = All(o, "--cap-drop"),
                Init = Has(o, "--init"),
                ReadOnly = Has(o, "--read-only"),
                Privileged = Has(o, "--privileged"),
            };
            if (Last(o, "-m", "--memory") is string mem) spec.Limits.Memory = mem;
            if (Last(o, "--cpus") is string cpus)
                spec.Limits.Cpus = double.TryParse(cpus, NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : throw new UsageException($"--cpus '{cpus}' is not a number");
            if (Last(o, "--pids-limit") is string pids)
                spec.Limits.PidsLimit = long.TryParse(pids, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : throw new UsageException($"--pids-limit '{pids}' is not a number");

            var engine = NewEngine();
            CliTrace.Mark("engine");
            var container = engine.Create(spec);
            CliTrace.Mark("create");
            if (detach)
            {
                try { engine.Start(container.Id); }
                catch (MiniDockerException) { engine.Remove(container.Id, force: true); throw; }
                Console.Out.WriteLine(container.Id);
                return 0;
            }
            ContainerAttachment attachment;
            try { attachment = engine.StartAttached(container.Id); }
            catch (MiniDockerException)
            {
                // A run that never ran leaves nothing behind (docker keeps a Created container; a seed user expects none).
                engine.Remove(container.Id, force: true);
                throw;
            }
            CliTrace.Mark("start");
            int code;
            using (attachment)
            using (ForwardSignals(engine, container.Id))
            {
                Relay(attachment.Lines(CancellationToken.None));
                CliTrace.Mark("output");
                code = engine.Wait(container.Id, null, CancellationToken.None).ExitCode ?? Failed;
                CliTrace.Mark("wait");
            }
            if (autoRemove)
            {
                engine.Remove(container.Id, force: true);
                CliTrace.Mark("remove");
            }
            return code;
        }

        /// <summary>Ctrl+C, SIGTERM and SIGHUP go to the container's init (docker run's sig-proxy); the wait goes on until it exits.</summary>
        private static IDisposable ForwardSignals(ContainerEngine engine, string id)
        {
            var registrations = new List<PosixSignalRegistration>();
            foreach (var (signal, name) in new[] { (PosixSignal.SIGINT, "INT"), (PosixSignal.SIGTERM, "TERM"), (PosixSignal.SIGHUP, "HUP") })
                registrations.Add(PosixSignalRegistration.Create(signal, ctx =>
                {
                    ctx.Cancel = true;
                    try { engine.Kill(id, name); } catch (MiniDockerException) { }
                }));
            return new Registrations(registrations);
        }

        private sealed class Registrations : IDisposable
        {
            private readonly List<PosixSignalRegistration> _list;
            public Registrations(List<PosixSignalRegistration> list) => _list = list;
            public void Dispose() { foreach (var r in _list) r.Dispose(); }
        }

        /// <summary>Each line to the stream it came from; a final line without its end keeps none.</summary>
        private static void Relay(IEnumerable<LogEntry> lines, bool timestamps = false)
        {
            using var stdout = Console.OpenStandardOutput();
            using var stderr = Console.OpenStandardError();
            foreach (var line in lines)
            {
                string text = timestamps ? line.Timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + " " + line.Text : line.Text;
                var bytes = System.Text.Encoding.UTF8.GetBytes(text + "\n");
                (line.Stream == "stderr" ? stderr : stdout).Write(bytes, 0, bytes.Length);
            }
        }

        // ------------------------------------------------------------------ ps

        private static int Ps(List<string> args)
        {
            var o = new Dictionary<string, List<string>>();
            if (ParseOptions(args, new HashSet<string> { "-a", "--all", "-q", "--quiet" }, new HashSet<string>(), o).Count > 0)
                throw new UsageException("ps takes no arguments");
            var list = NewEngine().List().Where(c => Has(o, "-a", "--all") || c.State is ContainerState.Running or ContainerState.Paused).ToList();
            if (Has(o, "-q", "--quiet"))
            {
                foreach (var c in list) Console.Out.WriteLine(c.ShortId);
                return 0;
            }
            var rows = new List<string[]> { new[] { "CONTAINER ID", "NAME", "IMAGE", "COMMAND", "CREATED", "STATUS" } };
            foreach (var c in list)
            {
                string command = string.Join(' ', c.Command);
                if (command.Length > 30) command = command.Substring(0, 29) + "…";
                rows.Add(new[] { c.ShortId, c.Name, c.Image ?? c.RootFs, "\"" + command + "\"", Ago(c.Created) + " ago", Status(c) });
            }
            var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var r in rows)
                Console.Out.WriteLine(string.Join("   ", r.Select((cell, i) => i == r.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
            return 0;
        }

        private static string Status(Container c) => c.State switch
        {
            ContainerState.Running => "Up " + Ago(c.StartedAt ?? c.Created),
            ContainerState.Paused => "Up " + Ago(c.StartedAt ?? c.Created) + " (Paused)",
            ContainerState.Exited => $"Exited ({c.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}) {Ago(c.FinishedAt ?? c.Created)} ago",
            ContainerState.Dead => "Dead",
            _ => "Created",
        };

        private static string Ago(DateTime when)
        {
            var d = DateTime.UtcNow - when;
            return d.TotalSeconds < 60 ? $"{Math.Max(0, (int)d.TotalSeconds).ToString(CultureInfo.InvariantCulture)} seconds"
                : d.TotalMinutes < 60 ? $"{((int)d.TotalMinutes).ToString(CultureInfo.InvariantCulture)} minutes"
                : d.TotalHours < 48 ? $"{((int)d.TotalHours).ToString(CultureInfo.InvariantCulture)} hours"
                : $"{((int)d.TotalDays).ToString(CultureInfo.InvariantCulture)} days";
        }

        // ------------------------------------------------------------------ exec, logs, stop, rm

        /// <summary>A name (exact, through the name index) or a unique id prefix.</summary>
        private static Container Resolve(ContainerEngine engine, string nameOrId) =>
            engine.GetByName(nameOrId) ?? engine.GetByIdPrefix(nameOrId);

        private static int Exec(List<string> args)
        {
            var o = new Dictionary<string, List<string>>();
            var operands = ParseOptions(args, new HashSet<string> { "-i", "--interactive" },
                new HashSet<string> { "-e", "--env", "-w", "--workdir", "-u", "--user" }, o);
            if (operands.Count < 2) throw new UsageException("exec needs a container and a command");
            var engine = NewEngine();
            var c = Resolve(engine, operands[0]);
            var spec = new ExecSpec
            {
                Command = operands.Skip(1).ToArray(),
                Environment = EnvironmentOf(All(o, "-e", "--env")),
                WorkingDirectory = Last(o, "-w", "--workdir"),
                User = Last(o, "-u", "--user"),
            };
            using var session = engine.StartExec(c.Id, spec);
            Relay(session.Output(CancellationToken.None));
            return session.Finish().ExitCode;
        }

        private static int Logs(List<string> args)
        {
            var o = new Dictionary<string, List<string>>();
            var operands = ParseOptions(args, new HashSet<string> { "-t", "--timestamps" }, new HashSet<string> { "-n", "--tail" }, o);
            if (operands.Count != 1) throw new UsageException("logs needs one container");
            int? tail = null;
            if (Last(o, "-n", "--tail") is string t && t != "all")
                tail = int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new UsageException($"--tail '{t}' is not a number");
            var engine = NewEngine();
            var c = Resolve(engine, operands[0]);
            Relay(engine.Logs(c.Id, tail), Has(o, "-t", "--timestamps"));
            return 0;
        }

        private static int Stop(List<string> args)
        {
            var o = new Dictionary<string, List<string>>();
            var operands = ParseOptions(args, new HashSet<string>(), new HashSet<string> { "-t", "--time" }, o);
            if (operands.Count == 0) throw new UsageException("stop needs at least one container");
            int seconds = 10;
            if (Last(o, "-t", "--time") is string t && !int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
                throw new UsageException($"--time '{t}' is not a number of seconds");
            var engine = NewEngine();
            int status = 0;
            var ids = new List<(string Arg, string Id)>();
            foreach (var arg in operands)
            {
                try { ids.Add((arg, Resolve(engine, arg).Id)); }
                catch (MiniDockerException e) { Console.Error.WriteLine($"mini-docker: {e.Message} ({e.ErrorId})"); status = 1; }
            }
            var results = engine.StopMany(ids.Select(x => x.Id).ToList(), TimeSpan.FromSeconds(seconds));
            for (int i = 0; i < results.Count; i++)
            {
                if (results[i].Error is { } e) { Console.Error.WriteLine($"mini-docker: {e.Message} ({e.ErrorId})"); status = 1; }
                else Console.Out.WriteLine(ids[i].Arg);
            }
            return status;
        }

        private static int Rm(List<string> args)
        {
            var o = new Dictionary<string, List<string>>();
            var operands = ParseOptions(args, new HashSet<string> { "-f", "--force" }, new HashSet<string>(), o);
            if (operands.Count == 0) throw new UsageException("rm needs at least one container");
            var engine = NewEngine();
            int status = 0;
            foreach (var arg in operands)
            {
                try
                {
                    engine.Remove(Resolve(engine, arg).Id, Has(o, "-f", "--force"));
                    Console.Out.WriteLine(arg);
                }
                catch (MiniDockerException e) { Console.Error.WriteLine($"mini-docker: {e.Message} ({e.ErrorId})"); status = 1; }
            }
            return status;
        }
    }
}
