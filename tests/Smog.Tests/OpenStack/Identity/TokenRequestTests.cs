using System.Text.Json.Nodes;
using Smog.OpenStack.Config;
using Smog.OpenStack.Http;
using Smog.OpenStack.Identity;

namespace Smog.Tests.OpenStack.Identity;

public class TokenRequestTests
{
    private static readonly Secret Pw = new("pw");

    public static TheoryData<string, AuthType, AuthSettings, string> BodyRows => new()
    {
        // description, auth type, settings, expected body (compact JSON)
        { "password by user id, project id scope", AuthType.Password,
          new AuthSettings { UserId = "u1", Password = Pw, ProjectId = "p1" },
          """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u1","password":"pw"}}},"scope":{"project":{"id":"p1"}}}}""" },
        { "password by name and domain name, project by name and domain id", AuthType.Password,
          new AuthSettings { Username = "op", UserDomainName = "Default", Password = Pw, ProjectName = "numa", ProjectDomainId = "default" },
          """{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"op","domain":{"name":"Default"},"password":"pw"}}},"scope":{"project":{"name":"numa","domain":{"id":"default"}}}}}""" },
        { "user id preferred over name", AuthType.Password,
          new AuthSettings { UserId = "u1", Username = "op", UserDomainName = "Default", Password = Pw },
          """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u1","password":"pw"}}}}}""" },
        { "domain scope by id", AuthType.Password,
          new AuthSettings { UserId = "u1", Password = Pw, DomainId = "d1" },
          """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u1","password":"pw"}}},"scope":{"domain":{"id":"d1"}}}}""" },
        { "domain scope by name", AuthType.Password,
          new AuthSettings { UserId = "u1", Password = Pw, DomainName = "D1" },
          """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u1","password":"pw"}}},"scope":{"domain":{"name":"D1"}}}}""" },
        { "system scope", AuthType.Password,
          new AuthSettings { UserId = "u1", Password = Pw, SystemScope = "all" },
          """{"auth":{"identity":{"methods":["password"],"password":{"user":{"id":"u1","password":"pw"}}},"scope":{"system":{"all":true}}}}""" },
        { "application credential by id, no scope even with a project", AuthType.ApplicationCredential,
          new AuthSettings { ApplicationCredentialId = "ac1", ApplicationCredentialSecret = new Secret("s3"), ProjectName = "numa", ProjectDomainId = "default" },
          """{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"id":"ac1","secret":"s3"}}}}""" },
        { "application credential by name needs its user", AuthType.ApplicationCredential,
          new AuthSettings { ApplicationCredentialName = "smog", ApplicationCredentialSecret = new Secret("s3"), Username = "op", UserDomainId = "default" },
          """{"auth":{"identity":{"methods":["application_credential"],"application_credential":{"name":"smog","secret":"s3","user":{"name":"op","domain":{"id":"default"}}}}}}""" },
        { "token method", AuthType.Token,
          new AuthSettings { Token = new Secret("tok"), ProjectId = "p1" },
          """{"auth":{"identity":{"methods":["token"],"token":{"id":"tok"}},"scope":{"project":{"id":"p1"}}}}""" },
    };

    [Theory]
    [MemberData(nameof(BodyRows))]
    public void Builds_the_keystone_v3_body(string description, AuthType type, AuthSettings auth, string expected)
    {
        _ = description;
        Assert.Equal(expected, TokenRequest.Body(type, auth).ToJsonString());
    }

    [Fact]
    public void Two_scopes_are_refused_before_sending()
    {
        var auth = new AuthSettings { UserId = "u1", Password = Pw, ProjectId = "p1", DomainId = "d1" };
        var error = Assert.Throws<OpenStackClientException>(() => TokenRequest.Body(AuthType.Password, auth));
        Assert.Equal("more than one token scope configured (domain, project); keep one", error.Message);
    }

    [Theory]
    [InlineData("http://k:5000/v3", "http://k:5000/v3/auth/tokens")]
    [InlineData("http://k:5000/v3/", "http://k:5000/v3/auth/tokens")]
    [InlineData("http://k:5000", "http://k:5000/v3/auth/tokens")]
    [InlineData("http://k/identity/", "http://k/identity/v3/auth/tokens")]
    public void Token_url_appends_v3_only_when_missing(string authUrl, string expected) =>
        Assert.Equal(expected, TokenRequest.TokenUrl(authUrl).AbsoluteUri);

    [Fact]
    public void Keystone_v2_is_refused() =>
        Assert.Throws<OpenStackClientException>(() => TokenRequest.TokenUrl("http://k:5000/v2.0"));

    [Fact]
    public void The_body_is_valid_json_with_one_method() =>
        Assert.Single(JsonNode.Parse(TokenRequest.Body(AuthType.Password, new AuthSettings { UserId = "u", Password = Pw }).ToJsonString())!["auth"]!["identity"]!["methods"]!.AsArray());
}
