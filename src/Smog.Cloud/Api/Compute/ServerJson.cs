using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Hosting;
using Smog.Cloud.Api.Identity;
using Smog.Cloud.Simulation;
using static Smog.Cloud.Api.Hosting.Json;

namespace Smog.Cloud.Api.Compute;

/// <summary>
/// A server as Nova 26 shows it at the request's microversion: admin-only keys
/// (<c>OS-EXT-SRV-ATTR:*</c>, <c>host_status</c>, fault details) only for admins, as the
/// recorded Zed exchanges show; <c>progress</c> only while building or active.
/// </summary>
public static class ServerJson
{
    private static readonly HashSet<string> ProgressStatuses = ["ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING"];

    public static JsonObject Summary(CloudAddress a, ServerRecord s) =>
        new() { ["id"] = s.Id, ["links"] = NovaApi.Links(a, "servers", s.Id), ["name"] = s.Name };

    public static JsonObject Detail(HttpContext c, CloudAddress a, IssuedToken caller, ServerRecord s, bool show, string? hostState)
    {
        var admin = caller.IsAdmin;
        var scheduled = s.Host is not null;
        var json = new JsonObject
        {
            ["id"] = s.Id,
            ["name"] = s.Name,
            ["status"] = s.Status,
            ["tenant_id"] = s.ProjectId,
            ["user_id"] = s.UserId,
            ["metadata"] = FlavorsApi.Specs(s.Metadata),
            ["hostId"] = scheduled ? HostId(s.ProjectId, s.Host!) : "",
            ["image"] = s.ImageId is { } image
                ? new JsonObject { ["id"] = image, ["links"] = new JsonArray(new JsonObject { ["rel"] = "bookmark", ["href"] = a.Url($"{ServicePaths.Compute}/images/{image}") }) }
                : "",
            ["flavor"] = Microversions.AtLeast(c, 2, 47) ? new JsonObject
            {
                ["vcpus"] = s.Flavor.Vcpus,
                ["ram"] = s.Flavor.RamMiB,
                ["disk"] = s.Flavor.DiskGiB,
                ["ephemeral"] = s.Flavor.EphemeralGiB,
                ["swap"] = s.Flavor.SwapMiB,
                ["original_name"] = s.Flavor.Name,
                ["extra_specs"] = FlavorsApi.Specs(s.Flavor.ExtraSpecs),
            } : new JsonObject { ["id"] = s.Flavor.Id, ["links"] = new JsonArray(new JsonObject { ["rel"] = "bookmark", ["href"] = a.Url($"{ServicePaths.Compute}/flavors/{s.Flavor.Id}") }) },
            ["created"] = NovaTime(s.Created),
            ["updated"] = NovaTime(s.Updated),
            ["addresses"] = Addresses(s),
            ["accessIPv4"] = "",
            ["accessIPv6"] = "",
            ["links"] = NovaApi.Links(a, "servers", s.Id),
            ["OS-DCF:diskConfig"] = "MANUAL",
        };
        if (s.Fault is { } fault && s.Status is "ERROR" or "DELETED")
        {
            var f = new JsonObject { ["code"] = fault.Code, ["created"] = NovaTime(fault.Created), ["message"] = fault.Message };
            if (admin || fault.Code != 500) f["details"] = FaultDetails(fault);
            json["fault"] = f;
        }
        if (ProgressStatuses.Contains(s.Status)) json["progress"] = 0;
        json["OS-EXT-AZ:availability_zone"] = scheduled ? s.AvailabilityZone ?? "nova" : s.AvailabilityZone ?? "";
        json["config_drive"] = "";
        json["key_name"] = null;
        json["OS-SRV-USG:launched_at"] = s.LaunchedAt is { } l ? NovaDbTime(l) : null;
        json["OS-SRV-USG:terminated_at"] = null;
        if (admin)
        {
            json["OS-EXT-SRV-ATTR:host"] = s.Host;
            json["OS-EXT-SRV-ATTR:instance_name"] = s.VmState == VmStates.Building && !scheduled ? "" : s.InstanceName;
            json["OS-EXT-SRV-ATTR:hypervisor_hostname"] = s.Host;
            if (Microversions.AtLeast(c, 2, 3))
            {
                json["OS-EXT-SRV-ATTR:reservation_id"] = ReservationId(s.Id);
                json["OS-EXT-SRV-ATTR:launch_index"] = 0;
                json["OS-EXT-SRV-ATTR:hostname"] = Hostname(s.Name);
                json["OS-EXT-SRV-ATTR:kernel_id"] = "";
                json["OS-EXT-SRV-ATTR:ramdisk_id"] = "";
                json["OS-EXT-SRV-ATTR:root_device_name"] = s.LaunchedAt is null ? null : "/dev/vda";
                json["OS-EXT-SRV-ATTR:user_data"] = null;
            }
        }
        else if (Microversions.AtLeast(c, 2, 90))
        {
            json["OS-EXT-SRV-ATTR:hostname"] = Hostname(s.Name);
        }
        json["OS-EXT-STS:task_state"] = s.TaskState;
        json["OS-EXT-STS:vm_state"] = s.VmState;
        json["OS-EXT-STS:power_state"] = s.PowerState;
        json["os-extended-volumes:volumes_attached"] = new JsonArray();
        if (admin && Microversions.AtLeast(c, 2, 16)) json["host_status"] = scheduled ? hostState ?? "UP" : "";
        json["locked"] = false;
        if (Microversions.AtLeast(c, 2, 73)) json["locked_reason"] = null;
        if (Microversions.AtLeast(c, 2, 19)) json["description"] = s.Description;
        if (Microversions.AtLeast(c, 2, 26)) json["tags"] = new JsonArray([.. s.Tags.Select(t => (JsonNode)t)]);
        if (Microversions.AtLeast(c, 2, 63)) json["trusted_image_certificates"] = null;
        if (show && Microversions.AtLeast(c, 2, 71)) json["server_groups"] = new JsonArray();
        return json;
    }

    private static JsonObject Addresses(ServerRecord s)
    {
        var json = new JsonObject();
        foreach (var port in s.Ports)
        {
            var name = port.NetworkName ?? port.NetworkId ?? "network";
            if (json[name] is not JsonArray list) json[name] = list = [];
            foreach (var ip in port.FixedIps)
            {
                list.Add(new JsonObject
                {
                    ["version"] = ip.Contains(':', StringComparison.Ordinal) ? 6 : 4,
                    ["addr"] = ip,
                    ["OS-EXT-IPS:type"] = "fixed",
                    ["OS-EXT-IPS-MAC:mac_addr"] = port.MacAddress,
                });
            }
        }
        return json;
    }

    /// <summary>Nova's hostId hides the host per project (a SHA-224 there; 56 hex digits of SHA-256 here, same shape).</summary>
    private static string HostId(string projectId, string host) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(projectId + host)))[..56];

    private static string ReservationId(string id) => "r-" + id.Replace("-", "", StringComparison.Ordinal)[..8];

    /// <summary>Nova's sanitised hostname: lower case, letters, digits and hyphens.</summary>
    public static string Hostname(string name)
    {
        var text = new string([.. name.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-' ? ch : '-')]).Trim('-');
        return text.Length == 0 ? "server" : text.Length > 63 ? text[..63] : text;
    }

    private static string FaultDetails(ServerFault fault) => fault.Message.StartsWith("No valid host", StringComparison.Ordinal)
        ? "Traceback (most recent call last):\n  File \"nova/conductor/manager.py\", in schedule_and_build_instances\nnova.exception.NoValidHost: " + fault.Message + "\n"
        : fault.Message;
}
