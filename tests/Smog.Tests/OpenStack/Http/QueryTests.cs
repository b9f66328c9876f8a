using Smog.OpenStack.Http;

namespace Smog.Tests.OpenStack.Http;

public class QueryTests
{
    [Fact]
    public void An_empty_query_is_no_text_at_all() => Assert.Equal("", Query.Empty.ToString());

    public static TheoryData<string, string, string> EscapingRows => new()
    {
        // description, value, expected query text
        { "a Nova name regex", "^smog-", "?v=%5Esmog-" },
        { "Placement's startswith prefix", "startswith:CUSTOM_", "?v=startswith%3ACUSTOM_" },
        { "a comma-joined tag list", "a,b", "?v=a%2Cb" },
        { "separators that would end the parameter", "a&b=c", "?v=a%26b%3Dc" },
        { "a space and a slash", "x y/z", "?v=x%20y%2Fz" },
        { "non-ASCII as UTF-8", "é", "?v=%C3%A9" },
        { "unreserved characters stay", "A-z_0.9~", "?v=A-z_0.9~" },
    };

    [Theory]
    [MemberData(nameof(EscapingRows))]
    public void Values_are_percent_encoded(string description, string value, string expected)
    {
        _ = description;
        Assert.Equal(expected, Query.Empty.Add("v", value).ToString());
    }

    [Fact]
    public void Parameters_keep_their_order_and_null_values_are_left_out()
    {
        var query = Query.Empty.Add("name", "vm").Add("host", null).AddIf(false, "all_tenants", "1").AddIf(true, "with_servers", "true");
        Assert.Equal("?name=vm&with_servers=true", query.ToString());
    }

    [Fact]
    public void Names_are_escaped_too() => Assert.Equal("?a%20b=1", Query.Empty.Add("a b", "1").ToString());

    [Fact]
    public void Adding_leaves_the_original_unchanged()
    {
        var first = Query.Empty.Add("a", "1");
        _ = first.Add("b", "2");
        Assert.Equal("?a=1", first.ToString());
    }
}
