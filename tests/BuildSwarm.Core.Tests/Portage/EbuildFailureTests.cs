using BuildSwarm.Core.Portage;

namespace BuildSwarm.Core.Tests.Portage;

public sealed class EbuildFailureTests
{
    [Fact]
    public void Finds_the_package_phase_and_message_of_portages_die_report()
    {
        var log = """
            >>> Compiling source in /var/tmp/portage/sys-libs/zlib-1.3.1-r1/work/zlib-1.3.1 ...
            make: *** [Makefile:120: all] Error 2
             * ERROR: sys-libs/zlib-1.3.1-r1::gentoo failed (compile phase):
             *   emake failed
             * 
             * If you need support, post the output of `emerge --info '=sys-libs/zlib-1.3.1-r1::gentoo'`,
            """;

        var failure = EbuildFailure.FindLast(log.ReplaceLineEndings("\n"));

        Assert.Equal(new EbuildFailure("sys-libs/zlib-1.3.1-r1::gentoo", "compile", "emake failed"), failure);
        Assert.Equal("sys-libs/zlib-1.3.1-r1::gentoo failed in the compile phase: emake failed", failure!.ToString());
    }

    [Fact]
    public void Build_output_between_the_report_and_its_message_is_skipped()
    {
        var log = " * ERROR: app-misc/broken-1.0::gentoo failed (install phase):\nmake: *** [Makefile:42: all] Error 1\n *   emake install failed\n";

        Assert.Equal(new EbuildFailure("app-misc/broken-1.0::gentoo", "install", "emake install failed"), EbuildFailure.FindLast(log));
    }

    [Fact]
    public void A_log_without_a_die_report_has_no_failure()
    {
        Assert.Null(EbuildFailure.FindLast("emerge: there are no ebuilds to satisfy \"=app-misc/nope-1\".\n"));
    }
}
