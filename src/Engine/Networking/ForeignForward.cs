using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace MiniDocker.Engine.Networking
{
    /// <summary>
    /// Coexistence with Docker's rules. Docker (iptables-nft) makes `table ip filter` with a FORWARD base chain
    /// of policy DROP; in nftables a drop in any base chain wins over our table's accept, so our forwarded
    /// traffic would die there. Where that chain exists, our own accepts go into it (into DOCKER-USER when
    /// Docker made one: Docker keeps that chain's rules and jumps to it first), tagged with a comment so each
    /// rebuild replaces exactly them, in the same atomic batch as our table. They only end that chain's
    /// verdict: our table's isolation and -Internal drops still apply.
    /// </summary>
    public static class ForeignForward
    {
        public const string Comment = "minidocker";
        public const string Table = "ip filter";

        /// <summary>Commands to append to the table's batch; empty when there is no `ip filter` FORWARD chain.</summary>
        public static string Rules(IReadOnlyList<Network> networks)
        {
            var chains = new HashSet<string>();
            var ours = new List<(string Chain, long Handle)>();
            bool forward = false;
            using (var doc = ListTable())
            {
                if (doc == null) return "";
                foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
                {
                    if (item.TryGetProperty("chain", out var ch))
                    {
                        string name = ch.GetProperty("name").GetString() ?? "";
                        chains.Add(name);
                        if (ch.TryGetProperty("hook", out var hook) && hook.GetString() == "forward") forward = true;
                    }
                    else if (item.TryGetProperty("rule", out var r) && r.TryGetProperty("comment", out var c) && c.GetString() == Comment)
                        ours.Add((r.GetProperty("chain").GetString() ?? "", r.GetProperty("handle").GetInt64()));
                }
            }
            var sb = new StringBuilder();
            foreach (var (chain, handle) in ours.Where(o => o.Chain.Length > 0 && o.Chain.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.')))
                sb.AppendLine(CultureInfo.InvariantCulture, $"delete rule {Table} {Quote(chain)} handle {handle}");
            if (!forward) return sb.ToString();
            string target = chains.Contains("DOCKER-USER") ? "DOCKER-USER" : chains.Contains("FORWARD") ? "FORWARD" : "";
            if (target.Length == 0) return sb.ToString();
            foreach (var n in networks.Where(n => Ipv4Subnet.TryParse(n.Subnet) != null))
            {
                // Out of the bridge; back in for connections it made or that a published port's DNAT made.
                sb.AppendLine(CultureInfo.InvariantCulture, $"insert rule {Table} {Quote(target)} iifname \"{n.Bridge}\" accept comment \"{Comment}\"");
                sb.AppendLine(CultureInfo.InvariantCulture, $"insert rule {Table} {Quote(target)} oifname \"{n.Bridge}\" ct state established,related accept comment \"{Comment}\"");
                sb.AppendLine(CultureInfo.InvariantCulture, $"insert rule {Table} {Quote(target)} oifname \"{n.Bridge}\" ct status dnat accept comment \"{Comment}\"");
            }
            return sb.ToString();
        }

        // nft 1.0 takes a chain name unquoted here (DOCKER-USER included) and refuses a quoted one.
        private static string Quote(string chain) => chain;

        /// <summary>`nft -j list table ip filter`, or null when that table does not exist (or nft cannot say).</summary>
        private static JsonDocument? ListTable()
        {
            var psi = new ProcessStartInfo(Firewall.RequireNft()) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-j", "-a", "list", "table", "ip", "filter" }) psi.ArgumentList.Add(a);
            psi.Environment.Clear();
            using var p = Process.Start(psi);
            if (p == null) return null;
            string json = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0 || json.Length == 0) return null;
            try { return JsonDocument.Parse(json); }
            catch (JsonException) { return null; }
        }
    }
}
