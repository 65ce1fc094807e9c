using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

namespace MiniDocker.Engine.Registry
{
    /// <summary>
    /// One registry, spoken to with the OCI distribution API over plain HttpClient: the /v2/ ping,
    /// Basic or Bearer auth from the WWW-Authenticate challenge (tokens per repository scope),
    /// manifests and blobs. Redirects are followed by hand so Authorization never leaves the
    /// registry's own host. Every failure is a MiniDockerException with a Registry* ErrorId and the
    /// registry's own message.
    /// </summary>
    internal sealed class RegistryClient : IDisposable
    {
        public const long ManifestLimit = 4 << 20;
        private static readonly string[] ManifestTypes =
        {
            "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
        };

        private readonly HttpClient _http;
        private Uri _base;
        private readonly string _registry;
        private readonly RegistryCredential? _credential;
        private readonly Action<string>? _verbose;
        private Challenge? _challenge;
        private readonly Dictionary<string, string> _tokens = new();   // scope → Authorization value
        private readonly object _gate = new();

        public RegistryClient(string registry, string apiHost, bool insecure, RegistryCredential? credential, Action<string>? verbose)
        {
            _registry = registry;
            _credential = credential;
            _verbose = verbose;
            _base = new Uri((insecure ? "http://" : "https://") + apiHost + "/");
            var handler = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                ConnectTimeout = TimeSpan.FromSeconds(30),
                UseCookies = false,
            };
            _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            _http.DefaultRequestHeaders.UserAgent.ParseAdd("MiniDocker/0.1");
        }

        public void Dispose() => _http.Dispose();

        private sealed record Challenge(string Scheme, Dictionary<string, string> Parameters);

        /// <summary>GET /v2/: learns how the registry authenticates (or that it does not).</summary>
        public async Task PingAsync(CancellationToken token)
        {
            HttpResponseMessage response;
            try { response = await SendRawAsync(new Uri(_base, "v2/"), HttpMethod.Get, null, null, HttpCompletionOption.ResponseContentRead, token); }
            catch (MiniDockerException e) when (e.ErrorId is "RegistryTlsFailed" or "RegistryUnreachable" && _base.Scheme == "https" && (IsLoopback(_base.Host) || InsecureRegistries.Contains(_registry)))
            {
                // Docker's rule: a registry on this machine, or one listed as insecure, may speak plain HTTP without -Insecure.
                _verbose?.Invoke($"{_registry}: HTTPS failed ({e.Message}); {(IsLoopback(_base.Host) ? "a loopback registry" : $"listed in {InsecureRegistries.Variable}")}, so trying plain HTTP");
                var plain = new UriBuilder(_base) { Scheme = "http", Port = _base.Port }.Uri;
                HttpResponseMessage? plainResponse = null;
                try { plainResponse = await SendRawAsync(new Uri(plain, "v2/"), HttpMethod.Get, null, null, HttpCompletionOption.ResponseContentRead, token); }
                catch (MiniDockerException) { }
                // Not a registry over HTTP either (a TLS server answers 400 to plain HTTP): the HTTPS error is the one to tell.
                if (plainResponse is not { StatusCode: HttpStatusCode.OK or HttpStatusCode.Unauthorized }) { plainResponse?.Dispose(); throw; }
                response = plainResponse;
                _base = plain;
            }
            using var _ = response;
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                _challenge = ParseChallenge(response) ?? throw await Failure(response, "the registry's /v2/ endpoint", null);
                return;
            }
            if (!response.IsSuccessStatusCode) throw await Failure(response, "the registry's /v2/ endpoint", null);
        }

        /// <summary>Checks CREDENTIAL against the registry the way docker login does: Basic on /v2/, or a token with no scope.</summary>
        public async Task VerifyLoginAsync(CancellationToken token)
        {
            await PingAsync(token);
            if (_challenge == null) { _verbose?.Invoke($"{_registry} asks for no authentication."); return; }
            string authorization = await AuthorizationAsync("", token);
            using var response = await SendRawAsync(new Uri(_base, "v2/"), HttpMethod.Get, authorization, null, HttpCompletionOption.ResponseContentRead, token);
            if (!response.IsSuccessStatusCode && !(_challenge.Scheme == "bearer" && response.StatusCode == HttpStatusCode.Unauthorized))
                throw await Failure(response, "the registry's /v2/ endpoint", null);
        }

        /// <summary>A manifest or index by tag or digest: its raw bytes (the digest is over them) and media type.</summary>
        public async Task<(byte[] Body, string MediaType)> GetManifestAsync(string repository, string reference, CancellationToken token)
        {
            using var response = await SendAsync(repository, $"v2/{repository}/manifests/{reference}", HttpMethod.Get, ManifestTypes, HttpCompletionOption.ResponseHeadersRead, token);
            ReportRateLimit(response);
            if (!response.IsSuccessStatusCode) throw await Failure(response, $"manifest '{repository}:{reference}'", repository + ":" + reference);
            if (response.Content.Headers.ContentLength > ManifestLimit)
                throw new MiniDockerException("RegistryManifestInvalid", FailureKind.InvalidArgument, $"The manifest of '{repository}:{reference}' is larger than {ManifestLimit >> 20} MiB.", reference);
            await using var s = await response.Content.ReadAsStreamAsync(token);
            var ms = new MemoryStream();
            var buffer = new byte[81920];
            int n;
            while ((n = await s.ReadAsync(buffer, token)) > 0)
            {
                ms.Write(buffer, 0, n);
                if (ms.Length > ManifestLimit)
                    throw new MiniDockerException("RegistryManifestInvalid", FailureKind.InvalidArgument, $"The manifest of '{repository}:{reference}' is larger than {ManifestLimit >> 20} MiB.", reference);
            }
            string mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
            return (ms.ToArray(), mediaType);
        }

        /// <summary>GET of a blob (from byte FROM on, with Range: a 206, or a 200 from a registry that ignores it): the response, its body unread (the caller verifies while it reads, and disposes).</summary>
        public async Task<HttpResponseMessage> GetBlobAsync(string repository, string digest, CancellationToken token, long from = 0)
        {
            var response = await SendAsync(repository, $"v2/{repository}/blobs/{digest}", HttpMethod.Get, null, HttpCompletionOption.ResponseHeadersRead, token, rangeFrom: from);
            if (response.IsSuccessStatusCode) return response;
            using (response) throw await Failure(response, $"blob {digest} of '{repository}'", digest);
        }

        /// <summary>Every tag of REPOSITORY (GET /v2/NAME/tags/list, following the Link header's next pages), sorted.</summary>
        public async Task<List<string>> ListTagsAsync(string repository, CancellationToken token)
        {
            var tags = new SortedSet<string>(StringComparer.Ordinal);
            string? path = $"v2/{repository}/tags/list?n=1000";
            for (int page = 0; path != null && page < 1000; page++)
            {
                using var response = await SendAsync(repository, path, HttpMethod.Get, new[] { "application/json" }, HttpCompletionOption.ResponseContentRead, token);
                ReportRateLimit(response);
                if (!response.IsSuccessStatusCode) throw await Failure(response, $"the tag list of '{repository}'", repository);
                try
                {
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(token));
                    foreach (var t in body?["tags"] as JsonArray ?? new JsonArray()) if (t?.GetValue<string>() is { Length: > 0 } tag) tags.Add(tag);
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    throw new MiniDockerException("RegistryManifestInvalid", FailureKind.InvalidArgument, $"{_registry} sent a tag list for '{repository}' that is not JSON ({e.Message}).", repository);
                }
                // Link: </v2/NAME/tags/list?last=X&n=1000>; rel="next" (distribution's pagination).
                path = response.Headers.TryGetValues("Link", out var links)
                    ? links.Select(l => System.Text.RegularExpressions.Regex.Match(l, "<([^>]+)>\\s*;\\s*rel=\"?next\"?")).Where(m => m.Success).Select(m => m.Groups[1].Value.TrimStart('/')).FirstOrDefault()
                    : null;
            }
            return tags.ToList();
        }

        // ------------------------------------------------------------ push

        /// <summary>HEAD of a blob: true when the repository has it (the push skips it).</summary>
        public async Task<bool> HasBlobAsync(string repository, string digest, CancellationToken token)
        {
            using var response = await SendAsync(repository, $"v2/{repository}/blobs/{digest}", HttpMethod.Head, null, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.IsSuccessStatusCode) return true;
            if (response.StatusCode == HttpStatusCode.NotFound) return false;
            throw await Failure(response, $"blob {digest} of '{repository}'", digest);
        }

        /// <summary>A monolithic upload: POST /blobs/uploads/ for a session, then PUT its Location with ?digest= and the bytes.</summary>
        public async Task UploadBlobAsync(string repository, string digest, Func<HttpContent> body, CancellationToken token)
        {
            Uri location;
            using (var start = await SendAsync(repository, $"v2/{repository}/blobs/uploads/", HttpMethod.Post, null, HttpCompletionOption.ResponseContentRead, token, () => new ByteArrayContent(Array.Empty<byte>())))
            {
                if (start.StatusCode != HttpStatusCode.Accepted || start.Headers.Location is not Uri l) throw await Failure(start, $"an upload to '{repository}'", repository);
                location = l.IsAbsoluteUri ? l : new Uri(_base, l);
            }
            string target = location.ToString() + (location.Query.Length > 0 ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);
            using var put = await SendAsync(repository, target, HttpMethod.Put, null, HttpCompletionOption.ResponseContentRead, token, body);
            if (put.StatusCode != HttpStatusCode.Created) throw await Failure(put, $"blob {digest} for '{repository}'", digest);
        }

        public async Task PutManifestAsync(string repository, string reference, byte[] manifest, string mediaType, CancellationToken token)
        {
            using var response = await SendAsync(repository, $"v2/{repository}/manifests/{reference}", HttpMethod.Put, null, HttpCompletionOption.ResponseContentRead, token,
                () => new ByteArrayContent(manifest) { Headers = { ContentType = new MediaTypeHeaderValue(mediaType) } });
            if (response.StatusCode != HttpStatusCode.Created) throw await Failure(response, $"manifest '{repository}:{reference}'", repository + ":" + reference);
        }

        // ------------------------------------------------------------ requests, auth, redirects

        /// <summary>Push mode asks for tokens with scope pull,push (set before the first request of a push).</summary>
        public bool ForPush { get; set; }

        private async Task<HttpResponseMessage> SendAsync(string repository, string path, HttpMethod method, string[]? accept, HttpCompletionOption completion, CancellationToken token, Func<HttpContent>? content = null, long rangeFrom = 0)
        {
            string scope = $"repository:{repository}:" + (ForPush ? "pull,push" : "pull");
            var uri = new Uri(_base, path);   // PATH may be an absolute upload URL
            string? authorization = _challenge == null ? null : await AuthorizationAsync(scope, token);
            var response = await SendRawAsync(uri, method, authorization, accept, completion, token, content, rangeFrom);
            if (response.StatusCode != HttpStatusCode.Unauthorized || _challenge != null && authorization != null && !IsExpired(response)) return response;
            // First 401 (no ping made, or a token that expired): learn the challenge and try once more.
            _challenge = ParseChallenge(response) ?? _challenge;
            if (_challenge == null) return response;
            response.Dispose();
            lock (_gate) _tokens.Remove(scope);
            authorization = await AuthorizationAsync(scope, token);
            return await SendRawAsync(uri, method, authorization, accept, completion, token, content, rangeFrom);
        }

        private static bool IsExpired(HttpResponseMessage response) =>
            response.Headers.WwwAuthenticate.Any(h => h.Parameter?.Contains("invalid_token", StringComparison.Ordinal) == true);

        /// <summary>Sends and follows up to 10 redirects; Authorization goes only to the registry's own scheme, host and port.</summary>
        private async Task<HttpResponseMessage> SendRawAsync(Uri uri, HttpMethod method, string? authorization, string[]? accept, HttpCompletionOption completion, CancellationToken token, Func<HttpContent>? content = null, long rangeFrom = 0)
        {
            for (int hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                if (accept != null) foreach (var a in accept) request.Headers.Accept.ParseAdd(a);
                if (rangeFrom > 0) request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
                if (authorization != null && SameOrigin(uri, _base)) request.Headers.TryAddWithoutValidation("Authorization", authorization);
                HttpResponseMessage response;
                try { response = await _http.SendAsync(request, completion, token); }
                catch (HttpRequestException e) { throw Unreachable(uri, e); }
                catch (TaskCanceledException) when (!token.IsCancellationRequested)
                {
                    throw new MiniDockerException("RegistryUnreachable", FailureKind.ResourceUnavailable, $"{uri.Authority} did not answer in time.", _registry);
                }
                int status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is Uri location && hop < 10)
                {
                    response.Dispose();
                    uri = location.IsAbsoluteUri ? location : new Uri(uri, location);
                    if (status == 303) method = HttpMethod.Get;
                    continue;
                }
                return response;
            }
        }

        private static bool IsLoopback(string host) =>
            host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

        private static bool SameOrigin(Uri a, Uri b) =>
            a.Scheme == b.Scheme && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

        private MiniDockerException Unreachable(Uri uri, HttpRequestException e)
        {
            for (Exception? x = e; x != null; x = x.InnerException)
                if (x is AuthenticationException)
                    return new MiniDockerException("RegistryTlsFailed", FailureKind.PermissionDenied,
                        (p, op) => $"TLS with {uri.Authority} failed: {(x.Message + (x.InnerException != null ? " " + x.InnerException.Message : "")).TrimEnd('.')}. A registry with a private CA: put the CA into SSL_CERT_FILE (or the system store); a plain-HTTP registry: use {p("Insecure")}, or list it in {InsecureRegistries.Variable}.", _registry, e);
            string why = e.InnerException?.Message ?? e.Message;
            return new MiniDockerException("RegistryUnreachable", FailureKind.ResourceUnavailable, $"Could not reach {uri.Scheme}://{uri.Authority}: {why}.", _registry, e);
        }

        private static Challenge? ParseChallenge(HttpResponseMessage response)
        {
            // Bearer before Basic when a registry offers both.
            var headers = response.Headers.WwwAuthenticate.ToList();
            var h = headers.FirstOrDefault(x => x.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
                ?? headers.FirstOrDefault(x => x.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
            if (h == null) return null;
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string p = h.Parameter ?? "";
            int i = 0;
            while (i < p.Length)
            {
                while (i < p.Length && (p[i] == ',' || p[i] == ' ')) i++;
                int eq = p.IndexOf('=', i);
                if (eq < 0) break;
                string key = p.Substring(i, eq - i).Trim();
                i = eq + 1;
                var value = new StringBuilder();
                if (i < p.Length && p[i] == '"')
                {
                    for (i++; i < p.Length && p[i] != '"'; i++) value.Append(p[i] == '\\' && i + 1 < p.Length ? p[++i] : p[i]);
                    i++;
                }
                else for (; i < p.Length && p[i] != ','; i++) value.Append(p[i]);
                parameters[key] = value.ToString().Trim();
            }
            return new Challenge(h.Scheme.ToLowerInvariant(), parameters);
        }

        /// <summary>The Authorization value for SCOPE: Basic from the credential, or a Bearer token from the challenge's realm.</summary>
        private async Task<string> AuthorizationAsync(string scope, CancellationToken token)
        {
            var challenge = _challenge!;
            if (challenge.Scheme == "basic")
            {
                if (_credential == null || _credential.IsIdentityToken)
                    throw new MiniDockerException("RegistryAuthenticationRequired", FailureKind.PermissionDenied,
                        (p, op) => $"{_registry} requires a user name and password: log in with {op("ConnectRegistry")} {_registry} (or docker login), or give {p("Credential")}.", _registry);
                return "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(_credential.UserName + ":" + _credential.Secret));
            }
            if (challenge.Scheme != "bearer")
                throw new MiniDockerException("RegistryAuthenticationUnsupported", FailureKind.NotImplemented, $"{_registry} asks for '{challenge.Scheme}' authentication; MiniDocker speaks Basic and Bearer.", _registry);
            lock (_gate) if (_tokens.TryGetValue(scope, out var cached)) return cached;
            string bearer = "Bearer " + await FetchTokenAsync(challenge, scope, token);
            lock (_gate) _tokens[scope] = bearer;
            return bearer;
        }

        /// <summary>The token server's answer (distribution's token spec): GET realm?service&amp;scope with Basic, or POST with an identity token.</summary>
        private async Task<string> FetchTokenAsync(Challenge challenge, string scope, CancellationToken token)
        {
            if (!challenge.Parameters.TryGetValue("realm", out var realm) || !Uri.TryCreate(realm, UriKind.Absolute, out var realmUri) || realmUri.Scheme is not ("https" or "http"))
                throw new MiniDockerException("RegistryAuthenticationFailed", FailureKind.PermissionDenied, $"{_registry} asks for a Bearer token but names no usable realm ('{realm}').", _registry);
            challenge.Parameters.TryGetValue("service", out var service);
            var query = new List<string>();
            if (!string.IsNullOrEmpty(service)) query.Add("service=" + Uri.EscapeDataString(service));
            if (scope.Length > 0) query.Add("scope=" + Uri.EscapeDataString(scope));
            HttpResponseMessage response;
            if (_credential is { IsIdentityToken: true })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, realmUri)
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["grant_type"] = "refresh_token", ["refresh_token"] = _credential.Secret, ["service"] = service ?? "", ["scope"] = scope, ["client_id"] = "minidocker",
                    }),
                };
                response = await SendTokenRequest(request, token);
            }
            else
            {
                var builder = new UriBuilder(realmUri) { Query = string.Join('&', new[] { realmUri.Query.TrimStart('?') }.Where(q => q.Length > 0).Concat(query)) };
                using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
                if (_credential != null)
                    request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_credential.UserName + ":" + _credential.Secret)));
                response = await SendTokenRequest(request, token);
            }
            using (response)
            {
                if (!response.IsSuccessStatusCode) throw await Failure(response, $"the token server {realmUri.Authority}", null);
                try
                {
                    var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(token));
                    string? t = body?["token"]?.GetValue<string>() ?? body?["access_token"]?.GetValue<string>();
                    if (!string.IsNullOrEmpty(t)) return t;
                }
                catch (JsonException) { }
                throw new MiniDockerException("RegistryAuthenticationFailed", FailureKind.PermissionDenied, $"The token server {realmUri.Authority} answered without a token.", _registry);
            }
        }

        private async Task<HttpResponseMessage> SendTokenRequest(HttpRequestMessage request, CancellationToken token)
        {
            try { return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token); }
            catch (HttpRequestException e) { throw Unreachable(request.RequestUri!, e); }
        }

        private void ReportRateLimit(HttpResponseMessage response)
        {
            if (_verbose == null) return;
            string? Header(string name) => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
            if (Header("ratelimit-remaining") is string remaining)
                _verbose($"{_registry} rate limit: ratelimit-remaining {remaining}" + (Header("ratelimit-limit") is string l ? $" of {l}" : "") + (Header("docker-ratelimit-source") is string s ? $" (source {s})" : ""));
        }

        /// <summary>A failed answer as a specific error, with the registry's own message from its JSON errors body.</summary>
        private async Task<MiniDockerException> Failure(HttpResponseMessage response, string what, object? target)
        {
            string detail = "";
            try
            {
                string body = await response.Content.ReadAsStringAsync();
                if (body.Length > 0 && body.Length < 65536)
                {
                    var errors = (JsonNode.Parse(body)?["errors"] as JsonArray)?.Select(e => $"{e?["code"]}: {e?["message"]}").ToList();
                    detail = errors is { Count: > 0 } ? string.Join("; ", errors) : body.Trim();
                    if (detail.Length > 300) detail = detail.Substring(0, 300);
                }
            }
            catch (Exception e) when (e is JsonException or IOException or HttpRequestException or InvalidOperationException) { }
            string said = detail.Length > 0 ? $" The registry said: {detail}" : "";
            int status = (int)response.StatusCode;
            target ??= _registry;
            switch (status)
            {
                case 401:
                    return new MiniDockerException(_credential == null ? "RegistryAuthenticationRequired" : "RegistryAuthenticationFailed", FailureKind.PermissionDenied,
                        (p, op) => _credential == null
                            ? $"{_registry} refused {what} without credentials (401): log in with {op("ConnectRegistry")} {_registry}, or check the name.{said}"
                            : $"{_registry} refused the credentials of '{_credential.UserName}' for {what} (401): check the user name and password ({op("ConnectRegistry")}).{said}", target);
                case 403:
                    return new MiniDockerException("RegistryAccessDenied", FailureKind.PermissionDenied, $"{_registry} denied access to {what} (403).{said}", target);
                case 404:
                    return new MiniDockerException("RegistryImageNotFound", FailureKind.ObjectNotFound, $"{_registry} has no {what} (404): check the name, tag or digest.{said}", target);
                case 429:
                    string retry = response.Headers.RetryAfter?.Delta is TimeSpan d ? $" Retry after {d.TotalSeconds:0} s." : "";
                    return new MiniDockerException("RegistryRateLimited", FailureKind.ResourceUnavailable, $"{_registry} refused {what}: too many requests (429).{retry} Log in to get a higher limit.{said}", target);
                default:
                    return new MiniDockerException("RegistryRequestFailed", FailureKind.ResourceUnavailable, $"{_registry} answered {status} {response.ReasonPhrase} for {what}.{said}", target);
            }
        }
    }
}
