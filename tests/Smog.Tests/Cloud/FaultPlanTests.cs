using Smog.Cloud.Api.Errors;
using Smog.Cloud.Api.Faults;
using Smog.Cloud.Api.Hosting;
using Smog.OpenStack.Http;
using Smog.OpenStack.Image;

namespace Smog.Tests.Cloud;

/// <summary>The <c>--fault</c> syntax, and Smog's own client meeting the injected faults.</summary>
public sealed class FaultPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Every_kind_of_fault_parses()
    {
        var plan = FaultPlan.Parse([
            "error-rate=compute:POST /servers:0.1:503", "error-rate=placement:* *:0.5", "latency=50ms", "latency=image:2s",
            "retry-after=3s", "build-failure=0.2", "service-down=compute-1", "token-expiry=30s", "seed=7",
        ]);

        Assert.Equal(new ErrorRate(ApiService.Compute, "POST", "/servers", 0.1, 503), plan.ErrorRates[0]);
        Assert.Equal(new ErrorRate(ApiService.Placement, null, "*", 0.5, 503), plan.ErrorRates[1]);
        Assert.Equal(TimeSpan.FromMilliseconds(50), plan.Latency);
        Assert.Equal(TimeSpan.FromSeconds(2), plan.ServiceLatency[ApiService.Image]);
        Assert.Equal(TimeSpan.FromSeconds(3), plan.RetryAfter);
        Assert.Equal(0.2, plan.BuildFailureRate);
        Assert.Equal(["compute-1"], plan.ServicesDown);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.TokenExpiry);
        Assert.Equal(7, plan.Seed);
    }

    [Theory]
    [InlineData("error-rate=compute:POST /servers:1.5", "rate must be a number from 0 to 1")]
    [InlineData("error-rate=compute:POST /servers:0.1:404", "status must be 500, 503 or 429")]
    [InlineData("error-rate=dns:GET /x:0.1", "unknown service 'dns'")]
    [InlineData("latency=fast", "expected a duration like 50ms")]
    [InlineData("bogus=1", "unknown kind 'bogus'")]
    [InlineData("no-equals", "expected KIND=VALUE")]
    public void A_bad_fault_is_one_line_naming_it(string spec, string expected)
    {
        var e = Assert.Throws<FormatException>(() => FaultPlan.Parse([spec]));

        Assert.StartsWith($"--fault '{spec}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("/servers/{id}", "/servers/abc", true)]
    [InlineData("/servers/*", "/servers/abc", true)]
    [InlineData("/servers", "/servers/abc", false)]
    [InlineData("/servers", "/servers?name=x", true)]
    public void Routes_match_by_segment(string template, string path, bool matches)
    {
        Assert.Equal(matches, new ErrorRate(ApiService.Compute, "GET", template, 1, 503).Matches(ApiService.Compute, "GET", path));
    }

    [Fact]
    public async Task Smogs_client_retries_injected_503s_and_gets_its_answer()
    {
        var faults = FaultPlan.Parse(["error-rate=image:GET /images:0.5:503", "retry-after=0s", "seed=3"]);
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty(), new EmbeddedCloudOptions { Faults = faults });
        using var clients = new CloudClients(cloud);
        using var member = clients.Open("smog-member", new RetryPolicy(6, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(30)));
        var images = await member.ImagesAsync(Ct);

        for (var i = 0; i < 10; i++)
        {
            var found = await images.FindByNameAsync("smog-blank", Ct);
            Assert.Equal("active", found!.Status);
        }

        Assert.True(cloud.Faults.Injected > 0, "the plan injected no error, so nothing was retried");
    }

    [Fact]
    public async Task Injected_errors_carry_Retry_After_and_a_POST_is_not_retried()
    {
        var faults = FaultPlan.Parse(["error-rate=image:POST /images:1:429", "retry-after=2s"]);
        await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty(), new EmbeddedCloudOptions { Faults = faults });
        using var clients = new CloudClients(cloud);
        using var member = clients.Open("smog-member");
        var images = await member.ImagesAsync(Ct);

        await Assert.ThrowsAnyAsync<Smog.OpenStack.Http.OpenStackApiException>(() => images.CreateAsync(new ImageCreate("x", "raw"), Ct));

        Assert.Equal(1, cloud.Faults.Injected);
    }

    [Fact]
    public async Task The_same_seed_injects_the_same_faults()
    {
        async Task<bool[]> RunAsync()
        {
            var faults = FaultPlan.Parse(["error-rate=image:GET /images:0.4:500", "seed=11"]);
            await using var cloud = await CloudLabs.StartAsync(CloudLabs.Empty(), new EmbeddedCloudOptions { Faults = faults });
            using var http = new HttpClient();
            var outcomes = new bool[20];
            for (var i = 0; i < outcomes.Length; i++)
            {
                using var response = await http.GetAsync(cloud.BaseUrl.AbsoluteUri + "image/v2/images", Ct);
                outcomes[i] = (int)response.StatusCode == 500;
            }
            return outcomes;
        }

        var first = await RunAsync();
        Assert.Equal(first, await RunAsync());
        Assert.Contains(true, first);
        Assert.Contains(false, first);
    }
}
