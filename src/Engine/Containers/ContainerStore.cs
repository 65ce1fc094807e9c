using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace MiniDocker.Engine
{
    /// <summary>
    /// Containers on disk: one directory each under StateRoot/containers/ID holding config.json
    /// (written atomically), a lock file, the log, the monitor's exit file and the overlay dirs.
    /// </summary>
    public sealed class ContainerStore
    {
        private static readonly JsonSerializerOptions Json = new()
        {
            WriteIndented = true,
            Converters = { new JsonStringEnumConverter() },
        };

        private static readonly Regex ValidName = new(@"^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}\z", RegexOptions.Compiled);

        public ContainerStore(string containersRoot, string? runRoot = null)
        {
            Root = containersRoot;
            RunRoot = runRoot ?? containersRoot;
        }

        public string Root { get; }
        /// <summary>Per-container run state (volatile, ideally tmpfs): the monitor's exit file.</summary>
        public string RunRoot { get; }
        public string RunDirectoryOf(string id) => Path.Combine(RunRoot, id);

        public string DirectoryOf(string id) => Path.Combine(Root, id);
        public string LogPath(string id) => Path.Combine(Root, id, "container.log");
        public string ExitPath(string id) => Path.Combine(RunRoot, id, "exit");
        /// <summary>The monitor's attach socket (`attach` in the launch plan).</summary>
        public string AttachPath(string id) => Path.Combine(RunRoot, id, "attach");

        public static void ValidateName(string name)
        {
            if (!ValidName.IsMatch(name))
                throw new MiniDockerException("InvalidContainerName", FailureKind.InvalidArgument,
                    $"Container name '{name}' is not valid: use 1-128 letters, digits, '_', '.' or '-', starting with a letter or digit.", name);
        }

        public IEnumerable<string> Ids() =>
            Directory.Exists(Root)
                ? Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d)!).Where(n => n.Length == 64 && File.Exists(Path.Combine(Root, n, "config.json")))
                : Enumerable.Empty<string>();

        public Container? Load(string id)
        {
            try { return JsonSerializer.Deserialize<Container>(File.ReadAllText(Path.Combine(Root, id, "config.json")), Json); }
            catch (FileNotFoundException) { return null; }
            catch (JsonException e)
            {
                // A damaged record must not hide the others; reported as Dead so Remove-MiniContainer can clean it.
                return new Container { Id = id, Name = id.Substring(0, 12), State = ContainerState.Dead, Error = $"State file unreadable: {e.Message}" };
            }
            catch (DirectoryNotFoundException) { return null; }
        }

        public void Save(Container c) => AtomicFile.WriteAllText(Path.Combine(Root, c.Id, "config.json"), JsonSerializer.Serialize(c, Json));

        /// <summary>An exclusive flock on the container (or on the whole store for name allocation); dispose to release.</summary>
        public IDisposable Lock(string? id = null)
        {
            Directory.CreateDirectory(Root);
            string path = id == null ? Path.Combine(Root, ".lock") : Path.Combine(Root, id, "lock");
            return Syscalls.LockFile(path);
        }
    }
}
