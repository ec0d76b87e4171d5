using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class CpvTests
{
    [Theory]
    [InlineData("dev-libs/foo-bar-1.0_rc1-r2", "dev-libs", "foo-bar", "1.0_rc1-r2")]
    [InlineData("x11-libs/gtk+-3.24", "x11-libs", "gtk+", "3.24")]
    [InlineData("app-misc/hello-1", "app-misc", "hello", "1")]
    [InlineData("dev-lang/python-3.12.1_p1", "dev-lang", "python", "3.12.1_p1")]
    [InlineData("sys-libs/glibc-2.39-r11", "sys-libs", "glibc", "2.39-r11")]
    [InlineData("media-libs/libpng-1.6.43a", "media-libs", "libpng", "1.6.43a")]
    [InlineData("dev-util/foo-1abc-2.0", "dev-util", "foo-1abc", "2.0")]
    [InlineData("dev-util/pkg-r1-1.0", "dev-util", "pkg-r1", "1.0")]
    [InlineData("app-misc/a_b-1.0_alpha_beta2", "app-misc", "a_b", "1.0_alpha_beta2")]
    public void Valid_cpvs_split_into_category_name_and_version(string text, string category, string name, string version)
    {
        var cpv = Cpv.Parse(text);

        Assert.Equal(new Cpv(category, name, version), cpv);
        Assert.Equal(text, cpv.ToString());
        Assert.Equal($"{name}-{version}", cpv.Pf);
        Assert.Equal($"{category}/{name}", cpv.Cp);
    }

    [Theory]
    [InlineData("foo-1.0")]
    [InlineData("a/b-c")]
    [InlineData("app-misc/hello")]
    [InlineData("app-misc/hello-")]
    [InlineData("app-misc/hello-1.0-r")]
    [InlineData("app-misc/hello-1.0_rc1_foo")]
    [InlineData("app-misc/pkg-1-2")]
    [InlineData("app-misc/pkg-1.0-r1-2.0")]
    [InlineData("/hello-1.0")]
    [InlineData("app-misc/-1.0")]
    [InlineData("app-misc/hello-1.0/extra")]
    [InlineData("")]
    [InlineData(null)]
    public void Invalid_cpvs_are_refused(string? text)
    {
        Assert.False(Cpv.TryParse(text, out var cpv));
        Assert.Null(cpv);
    }

    [Fact]
    public void Parse_explains_what_it_wanted() =>
        Assert.Contains("category/package-version", Assert.Throws<FormatException>(() => Cpv.Parse("foo-1.0")).Message, StringComparison.Ordinal);
}
