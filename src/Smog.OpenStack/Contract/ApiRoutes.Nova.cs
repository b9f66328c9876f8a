using Smog.OpenStack.Compute;
using Smog.OpenStack.Http;

namespace Smog.OpenStack.Contract;

public static partial class ApiRoutes
{
    /// <summary>Nova (compute API v2.1) at the negotiated microversion.</summary>
    public static class Nova
    {
        public const string Service = "nova";
        private static readonly ComputeJsonContext J = ComputeJsonContext.Default;

        /// <summary>The version document at the base URL, read unauthenticated to negotiate the microversion.</summary>
        public static readonly ApiRoute<NoBody, VersionDocument> ShowVersion = Get(Service, "show compute version", "", VersionJsonContext.Default.VersionDocument);

        public static readonly ApiRoute<NoBody, FlavorsEnvelope> ListFlavors = Get(Service, "list flavors", "/flavors/detail", J.FlavorsEnvelope);
        public static readonly ApiRoute<NoBody, FlavorEnvelope<NovaFlavor>> ShowFlavor = Get(Service, "show flavor", "/flavors/{flavor_id}", J.FlavorEnvelopeNovaFlavor);
        public static readonly ApiRoute<FlavorEnvelope<FlavorCreate>, FlavorEnvelope<NovaFlavor>> CreateFlavor =
            Send(Service, "create flavor", HttpMethod.Post, "/flavors", 200, J.FlavorEnvelopeFlavorCreate, J.FlavorEnvelopeNovaFlavor);
        public static readonly ApiRoute<NoBody, NoBody> DeleteFlavor = Delete(Service, "delete flavor", "/flavors/{flavor_id}", 202);

        public static readonly ApiRoute<NoBody, ExtraSpecsEnvelope> ListExtraSpecs = Get(Service, "list extra specs", "/flavors/{flavor_id}/os-extra_specs", J.ExtraSpecsEnvelope);
        /// <summary>Adds or overwrites the given keys, keeps the others, echoes the given ones.</summary>
        public static readonly ApiRoute<ExtraSpecsEnvelope, ExtraSpecsEnvelope> SetExtraSpecs =
            Send(Service, "set extra specs", HttpMethod.Post, "/flavors/{flavor_id}/os-extra_specs", 200, J.ExtraSpecsEnvelope, J.ExtraSpecsEnvelope);
        /// <summary>Answers <c>{key: value}</c>.</summary>
        public static readonly ApiRoute<NoBody, Dictionary<string, string>> ShowExtraSpec = Get(Service, "show extra spec", "/flavors/{flavor_id}/os-extra_specs/{key}", J.DictionaryStringString);
        public static readonly ApiRoute<NoBody, NoBody> UnsetExtraSpec = Delete(Service, "unset extra spec", "/flavors/{flavor_id}/os-extra_specs/{key}", 200);

        public static readonly ApiRoute<NoBody, FlavorAccessEnvelope> ListFlavorAccess = Get(Service, "list flavor access", "/flavors/{flavor_id}/os-flavor-access", J.FlavorAccessEnvelope);
        /// <summary>addTenantAccess or removeTenantAccess.</summary>
        public static readonly ApiRoute<FlavorAccessAction, FlavorAccessEnvelope> FlavorAccessAction =
            Send(Service, "change flavor access", HttpMethod.Post, "/flavors/{flavor_id}/action", 200, J.FlavorAccessAction, J.FlavorAccessEnvelope);

        public static readonly ApiRoute<NoBody, AggregatesEnvelope> ListAggregates = Get(Service, "list aggregates", "/os-aggregates", J.AggregatesEnvelope);
        /// <summary>The path takes the integer id; the UUID is refused there.</summary>
        public static readonly ApiRoute<NoBody, AggregateEnvelope<NovaAggregate>> ShowAggregate = Get(Service, "show aggregate", "/os-aggregates/{aggregate_id}", J.AggregateEnvelopeNovaAggregate);
        public static readonly ApiRoute<AggregateEnvelope<AggregateCreate>, AggregateEnvelope<NovaAggregate>> CreateAggregate =
            Send(Service, "create aggregate", HttpMethod.Post, "/os-aggregates", 200, J.AggregateEnvelopeAggregateCreate, J.AggregateEnvelopeNovaAggregate);
        public static readonly ApiRoute<NoBody, NoBody> DeleteAggregate = Delete(Service, "delete aggregate", "/os-aggregates/{aggregate_id}", 200);
        /// <summary>add_host, remove_host or set_metadata.</summary>
        public static readonly ApiRoute<AggregateAction, AggregateEnvelope<NovaAggregate>> AggregateAction =
            Send(Service, "change aggregate", HttpMethod.Post, "/os-aggregates/{aggregate_id}/action", 200, J.AggregateAction, J.AggregateEnvelopeNovaAggregate);

        /// <summary>202: the server builds asynchronously.</summary>
        public static readonly ApiRoute<ServerCreateRequest, ServerCreatedEnvelope> CreateServer =
            Send(Service, "create server", HttpMethod.Post, "/servers", 202, J.ServerCreateRequest, J.ServerCreatedEnvelope);
        public static readonly ApiRoute<NoBody, ServersEnvelope> ListServers = Get(Service, "list servers", "/servers/detail", J.ServersEnvelope);
        public static readonly ApiRoute<NoBody, ServerEnvelope> ShowServer = Get(Service, "show server", "/servers/{server_id}", J.ServerEnvelope);
        /// <summary>204 at once; the deletion completes asynchronously.</summary>
        public static readonly ApiRoute<NoBody, NoBody> DeleteServer = Delete(Service, "delete server", "/servers/{server_id}", 204);
        /// <summary>2.78+.</summary>
        /// <summary>One action per call (reboot, os-stop, os-start, resize, confirmResize, migrate, os-migrateLive): 202, confirmResize 204.</summary>
        public static readonly ApiRoute<ServerAction, NoBody> ServerAction =
            new(Service, "server action", HttpMethod.Post, "/servers/{server_id}/action", [202, 204], J.ServerAction, null);
        public static readonly ApiRoute<NoBody, NovaServerTopology> ShowServerTopology = Get(Service, "show server topology", "/servers/{server_id}/topology", J.NovaServerTopology);

        public static readonly ApiRoute<NoBody, HypervisorsEnvelope> ListHypervisors = Get(Service, "list hypervisors", "/os-hypervisors/detail", J.HypervisorsEnvelope);
        public static readonly ApiRoute<NoBody, HypervisorEnvelope> ShowHypervisor = Get(Service, "show hypervisor", "/os-hypervisors/{hypervisor_id}", J.HypervisorEnvelope);

        public static readonly ApiRoute<NoBody, ServicesEnvelope> ListServices = Get(Service, "list compute services", "/os-services", J.ServicesEnvelope);
        public static readonly ApiRoute<ServiceUpdate, ServiceEnvelope> UpdateService =
            Send(Service, "update compute service", HttpMethod.Put, "/os-services/{service_id}", 200, J.ServiceUpdate, J.ServiceEnvelope);
    }
}
