using System.Text.Json.Nodes;
using Smog.OpenStack.Http;
using Smog.OpenStack.Identity;
using Smog.OpenStack.Image;
using Smog.OpenStack.Network;
using PlacementJson = Smog.OpenStack.Placement.PlacementJsonContext;

namespace Smog.OpenStack.Contract;

public static partial class ApiRoutes
{
    /// <summary>Placement, read-only (writes need generations and belong to Nova).</summary>
    public static class Placement
    {
        public const string Service = "placement";
        private static readonly PlacementJson J = PlacementJson.Default;

        public static readonly ApiRoute<NoBody, VersionDocument> ShowVersions = Get(Service, "show placement versions", "", VersionJsonContext.Default.VersionDocument);
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.ResourceProviders> ListProviders = Get(Service, "list resource providers", "/resource_providers", J.ResourceProviders);
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.Inventories> ShowInventories = Get(Service, "show inventories", "/resource_providers/{provider_uuid}/inventories", J.Inventories);
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.Usages> ShowUsages = Get(Service, "show usages", "/resource_providers/{provider_uuid}/usages", J.Usages);
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.ProviderAllocations> ShowProviderAllocations =
            Get(Service, "show provider allocations", "/resource_providers/{provider_uuid}/allocations", J.ProviderAllocations);
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.ProviderTraits> ShowProviderTraits = Get(Service, "show provider traits", "/resource_providers/{provider_uuid}/traits", J.ProviderTraits);
        /// <summary>An unknown consumer answers 200 with no allocations, not 404.</summary>
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.ConsumerAllocations> ShowConsumerAllocations =
            Get(Service, "show consumer allocations", "/allocations/{consumer_uuid}", J.ConsumerAllocations);
        public static readonly ApiRoute<NoBody, Smog.OpenStack.Placement.TraitList> ListTraits = Get(Service, "list traits", "/traits", J.TraitList);
    }

    /// <summary>Glance images v2.</summary>
    public static class Glance
    {
        public const string Service = "glance";
        private static readonly ImageJsonContext J = ImageJsonContext.Default;

        public static readonly ApiRoute<NoBody, GlanceImages> ListImages = Get(Service, "list images", "/images", J.GlanceImages);
        public static readonly ApiRoute<NoBody, GlanceImage> ShowImage = Get(Service, "show image", "/images/{image_id}", J.GlanceImage);
        /// <summary>The body is the image with its properties at top level (strings), so it is a JSON object.</summary>
        public static readonly ApiRoute<JsonObject, GlanceImage> CreateImage = Send(Service, "create image", HttpMethod.Post, "/images", 201, J.JsonObject, J.GlanceImage);
        public static readonly ApiRoute<OctetStream, NoBody> UploadImageData = Send<OctetStream, NoBody>(Service, "upload image data", HttpMethod.Put, "/images/{image_id}/file", 204, null, null);
        public static readonly ApiRoute<NoBody, NoBody> DeleteImage = Delete(Service, "delete image", "/images/{image_id}", 204);
    }

    /// <summary>Neutron v2.0 networks, subnets and ports.</summary>
    public static class Neutron
    {
        public const string Service = "neutron";
        private static readonly NetworkJsonContext J = NetworkJsonContext.Default;

        public static readonly ApiRoute<NoBody, NetworksEnvelope> ListNetworks = Get(Service, "list networks", "/networks", J.NetworksEnvelope);
        public static readonly ApiRoute<NetworkEnvelope<NetworkCreate>, NetworkEnvelope<NeutronNetwork>> CreateNetwork =
            Send(Service, "create network", HttpMethod.Post, "/networks", 201, J.NetworkEnvelopeNetworkCreate, J.NetworkEnvelopeNeutronNetwork);
        public static readonly ApiRoute<NoBody, NetworkEnvelope<NeutronNetwork>> ShowNetwork = Get(Service, "show network", "/networks/{network_id}", J.NetworkEnvelopeNeutronNetwork);
        public static readonly ApiRoute<NoBody, NoBody> DeleteNetwork = Delete(Service, "delete network", "/networks/{network_id}", 204);
        public static readonly ApiRoute<NoBody, SubnetsEnvelope> ListSubnets = Get(Service, "list subnets", "/subnets", J.SubnetsEnvelope);
        public static readonly ApiRoute<NoBody, SubnetEnvelope<NeutronSubnet>> ShowSubnet = Get(Service, "show subnet", "/subnets/{subnet_id}", J.SubnetEnvelopeNeutronSubnet);
        public static readonly ApiRoute<SubnetEnvelope<SubnetCreate>, SubnetEnvelope<NeutronSubnet>> CreateSubnet =
            Send(Service, "create subnet", HttpMethod.Post, "/subnets", 201, J.SubnetEnvelopeSubnetCreate, J.SubnetEnvelopeNeutronSubnet);
        public static readonly ApiRoute<NoBody, NoBody> DeleteSubnet = Delete(Service, "delete subnet", "/subnets/{subnet_id}", 204);
        public static readonly ApiRoute<NoBody, PortsEnvelope> ListPorts = Get(Service, "list ports", "/ports", J.PortsEnvelope);
        public static readonly ApiRoute<NoBody, PortEnvelope<NeutronPort>> ShowPort = Get(Service, "show port", "/ports/{port_id}", J.PortEnvelopeNeutronPort);
        public static readonly ApiRoute<PortEnvelope<PortCreate>, PortEnvelope<NeutronPort>> CreatePort =
            Send(Service, "create port", HttpMethod.Post, "/ports", 201, J.PortEnvelopePortCreate, J.PortEnvelopeNeutronPort);
        public static readonly ApiRoute<NoBody, NoBody> DeletePort = Delete(Service, "delete port", "/ports/{port_id}", 204);
    }

    /// <summary>Keystone v3: tokens and the application credentials Smog manages.</summary>
    public static class Keystone
    {
        public const string Service = "keystone";

        /// <summary>201 with the token in X-Subject-Token; the body is built per auth method, so it is a JSON object.</summary>
        public static readonly ApiRoute<JsonObject, TokenResponse> IssueToken =
            Send(Service, "issue token", HttpMethod.Post, "/auth/tokens", 201, IdentityJsonContext.Default.JsonObject, IdentityJsonContext.Default.TokenResponse);
        /// <summary>201; the secret is in this answer only.</summary>
        public static readonly ApiRoute<ApplicationCredentialEnvelope<ApplicationCredentialCreate>, ApplicationCredentialEnvelope<ApplicationCredential>> CreateApplicationCredential =
            Send(Service, "create application credential", HttpMethod.Post, "/users/{user_id}/application_credentials", 201,
                IdentityAdminJsonContext.Default.ApplicationCredentialEnvelopeApplicationCredentialCreate,
                IdentityAdminJsonContext.Default.ApplicationCredentialEnvelopeApplicationCredential);
        public static readonly ApiRoute<NoBody, NoBody> DeleteApplicationCredential =
            Delete(Service, "delete application credential", "/users/{user_id}/application_credentials/{credential_id}", 204);
    }
}
