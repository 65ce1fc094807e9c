using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MiniDocker.Engine.Registry
{
    /// <summary>A user name and secret for a registry; an identity token when UserName is "&lt;token&gt;" (Docker's convention).</summary>
    public sealed record RegistryCredential(string UserName, string Secret)
    {
        public bool IsIdentityToken => UserName == "<token>";
        public override string ToString() => UserName;   // never the secret
    }

    /// <summary>
    /// The credential files Docker and Podman write, read the way they read them: $DOCKER_CONFIG/config.json
    /// (else ~/.docker/config.json) with auths, credHelpers and credsStore (docker-credential-NAME get),
    /// then $REGISTRY_AUTH_FILE, then $XDG_RUNTIME_DIR/containers/auth.json. Login writes the first
    /// of $REGISTRY_AUTH_FILE and the Docker file, mode 0600.
    /// </summary>
    public sealed class RegistryCredentials
    {
        private const string DockerHubKey = "https://index.docker.io/v1/";

        public static string DockerConfigPath =>
            Path.Combine(Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } d ? d
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), "config.json");

        /// <summary>Where login writes: $REGISTRY_AUTH_FILE when set (Podman's rule), else Docker's config.json.</summary>
        public static string LoginFilePath => Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE") is { Length: > 0 } f ? f : DockerConfigPath;

        private static IEnumerable<string> Files()
        {
            yield return DockerConfigPath;
            if (Environment.GetEnvironmentVariable("REGISTRY_AUTH_FILE") is { Length: > 0 } f) yield return f;
            if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } x) yield return Path.Combine(x, "containers", "auth.json");
        }

        /// <summary>The credential for REGISTRY (as in a reference: docker.io, localhost:5000), or null for anonymous.</summary>
        public static RegistryCredential? Find(string registry)
        {
            foreach (var file in Files())
            {
                var config = ReadFile(file);
                if (config == null) continue;
                if (config["credHelpers"] is JsonObject helpers && Lookup(helpers, registry) is JsonNode h && h.GetValueKind() == JsonValueKind.String)
                    return FromHelper(h.GetValue<string>(), registry);
                if (config["auths"] is JsonObject auths && Lookup(auths, registry) is JsonObject entry && FromEntry(entry, file, registry) is RegistryCredential c)
                    return c;
                // credsStore is a default for every registry (Docker Desktop writes "desktop" even where it is absent): a missing one means anonymous.
                if (config["credsStore"]?.GetValue<string>() is { Length: > 0 } store && FromHelper(store, registry, required: false) is RegistryCredential s)
                    return s;
            }
            return null;
        }

        /// <summary>Records CREDENTIAL for REGISTRY in the login file (created 0600; other entries kept).</summary>
        public static string Save(string registry, RegistryCredential credential)
        {
            string file = LoginFilePath;
            var config = ReadFile(file) ?? new JsonObject();
            if (config["auths"] is not JsonObject auths) config["auths"] = auths = new JsonObject();
            foreach (var key in auths.Select(kv => kv.Key).Where(k => KeyHost(k) == registry).ToList()) auths.Remove(key);
            auths[registry == ImageReference.DockerHub ? DockerHubKey : registry] = new JsonObject
            {
                ["auth"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Secret)),
            };
            Write(file, config);
            return file;
        }

        /// <summary>Removes REGISTRY's entries from every file login may have written; false when there was none.</summary>
        public static bool Remove(string registry)
        {
            bool removed = false;
            foreach (var file in new[] { LoginFilePath, DockerConfigPath }.Distinct())
            {
                if (ReadFile(file) is not JsonObject config || config["auths"] is not JsonObject auths) continue;
                var keys = auths.Select(kv => kv.Key).Where(k => KeyHost(k) == registry).ToList();
                if (keys.Count == 0) continue;
                foreach (var k in keys) auths.Remove(k);
                Write(file, config);
                removed = true;
            }
            return removed;
        }

        private static JsonObject? ReadFile(string file)
        {
            try { return JsonNode.Parse(File.ReadAllText(file)) as JsonObject; }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
            catch (JsonException e)
            {
                throw new MiniDockerException("RegistryCredentialFileInvalid", FailureKind.InvalidArgument, $"Credential file '{file}' is not JSON ({e.Message}); fix or remove it.", file);
            }
        }

        private static void Write(string file, JsonObject config)
        {
            string? dir = Path.GetDirectoryName(file);
            if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // Created 0600 from the start (AtomicFile's temp file would be world-readable for a moment), then renamed over.
            string tmp = file + ".tmp-" + Environment.ProcessId;
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var fs = new FileStream(tmp, options))
            {
                File.SetUnixFileMode(fs.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                fs.Write(Encoding.UTF8.GetBytes(config.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, file, overwrite: true);
        }

        /// <summary>The host a config key names: "https://index.docker.io/v1/" → docker.io, "localhost:5000" → itself.</summary>
        private static string KeyHost(string key)
        {
            try { return ImageReference.NormalizeRegistry(key); }
            catch (MiniDockerException) { return key; }
        }

        private static JsonNode? Lookup(JsonObject map, string registry) =>
            map.FirstOrDefault(kv => KeyHost(kv.Key) == registry).Value;

        private static RegistryCredential? FromEntry(JsonObject entry, string file, string registry)
        {
            if (entry["identitytoken"]?.GetValue<string>() is { Length: > 0 } token) return new RegistryCredential("<token>", token);
            if (entry["auth"]?.GetValue<string>() is { Length: > 0 } auth)
            {
                string decoded;
                try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(auth)); }
                catch (FormatException) { throw BadEntry(file, registry); }
                int colon = decoded.IndexOf(':');
                if (colon < 0) throw BadEntry(file, registry);
                return new RegistryCredential(decoded.Substring(0, colon), decoded.Substring(colon + 1));
            }
            if (entry["username"]?.GetValue<string>() is string u && entry["password"]?.GetValue<string>() is string p) return new RegistryCredential(u, p);
            return null;
        }

        private static MiniDockerException BadEntry(string file, string registry) =>
            new("RegistryCredentialFileInvalid", FailureKind.InvalidArgument, $"The entry for '{registry}' in '{file}' is not base64 of user:password; log in again.", file);

        /// <summary>docker-credential-NAME get, the server on stdin, {"Username","Secret"} on stdout; null when it has none.</summary>
        private static RegistryCredential? FromHelper(string name, string registry, bool required = true)
        {
            string program = "docker-credential-" + name;
            var psi = new ProcessStartInfo(program, "get") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            Process p;
            try { p = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception) when (!required) { return null; }
            catch (System.ComponentModel.Win32Exception)
            {
                throw new MiniDockerException("RegistryCredentialHelperNotFound", FailureKind.NotInstalled, $"The Docker config names credential helper '{program}' for '{registry}', but it is not on PATH.", program);
            }
            using (p)
            {
                p.StandardInput.Write(registry == ImageReference.DockerHub ? DockerHubKey : registry);
                p.StandardInput.Close();
                string output = p.StandardOutput.ReadToEnd();
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode != 0) return null;   // "credentials not found in native keychain"
                try
                {
                    var o = JsonNode.Parse(output);
                    string user = o?["Username"]?.GetValue<string>() ?? "", secret = o?["Secret"]?.GetValue<string>() ?? "";
                    return secret.Length == 0 ? null : new RegistryCredential(user, secret);
                }
                catch (JsonException)
                {
                    throw new MiniDockerException("RegistryCredentialHelperFailed", FailureKind.ReadError, $"Credential helper '{program}' did not answer with JSON.", program);
                }
            }
        }
    }
}
