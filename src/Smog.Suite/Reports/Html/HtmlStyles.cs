namespace Smog.Suite.Reports.Html;

/// <summary>The page's only stylesheet, inlined: no external fonts, images or scripts.</summary>
internal static class HtmlStyles
{
    public const string Css = """
        :root { --pass: #1a7f37; --fail: #cf222e; --skip: #7d4e00; --err: #8250df; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; }
        * { box-sizing: border-box; }
        body { font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: var(--ink); margin: 0 auto; padding: 1rem; max-width: 90rem; }
        h1 { font-size: 1.5rem; margin: 0 0 .5rem; } h2 { font-size: 1.2rem; margin: 0; } h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
        code, pre, .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12.5px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-weight: 700; font-size: .8rem; color: #fff; letter-spacing: .03em; white-space: nowrap; }
        .badge.passed { background: var(--pass); } .badge.failed { background: var(--fail); }
        .badge.skipped { background: var(--skip); } .badge.errored { background: var(--err); }
        .totals span { margin-right: .8rem; }
        table { border-collapse: collapse; margin: .3rem 0; }
        th, td { border: 1px solid var(--line); padding: .2rem .45rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
        thead th, th.group { background: #f6f8fa; }
        caption { text-align: left; font-weight: 600; padding: .2rem 0; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table.coverage th, table.coverage td { white-space: nowrap; } table.coverage td.c { text-align: center; }
        td.ran { background: #dafbe1; } td.need-ok { background: #eef6ff; } td.need-missing { background: #ffebe9; }
        section.scenario { border: 1px solid var(--line); border-left-width: 6px; border-radius: 6px; padding: .6rem .9rem; margin: 1rem 0; }
        section.scenario.passed { border-left-color: var(--pass); } section.scenario.failed { border-left-color: var(--fail); }
        section.scenario.skipped { border-left-color: var(--skip); } section.scenario.errored { border-left-color: var(--err); }
        .purpose { color: var(--muted); margin: .2rem 0 .5rem; }
        .guest { border-top: 1px dashed var(--line); margin-top: .6rem; }
        .side { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
        .side > * { flex: 1 1 22rem; min-width: 0; }
        tr.mismatch td, tr.mismatch th { background: #fff1e5; } td.flag { color: var(--fail); font-weight: 700; white-space: nowrap; }
        .finding { margin: .4rem 0; } .finding.error .sev { color: var(--fail); } .finding.warning .sev { color: var(--skip); }
        .sev { font-weight: 700; text-transform: uppercase; font-size: .75rem; }
        pre.xml { background: #f6f8fa; border: 1px solid var(--line); padding: .4rem; overflow-x: auto; margin: .3rem 0; }
        pre.xml mark.hit { background: #ffd8b5; display: inline-block; min-width: 100%; font-weight: 700; }
        pre.xml .ln { color: var(--muted); user-select: none; } pre.xml .gap { color: var(--muted); }
        .note { color: var(--muted); font-style: italic; }
        .fault { color: var(--fail); }
        figure { margin: .5rem 0; max-width: 100%; }
        figure svg { max-width: 100%; height: auto; display: block; }
        figcaption { font-size: .85rem; color: var(--muted); }
        svg.placement text { font-family: "DejaVu Sans", sans-serif; }
        svg .cell-box { fill: #fbfcfd; stroke: #8c959f; } svg .guest-cell > .cell-box { stroke: #0969da; stroke-width: 2.5; fill: #f3f8ff; }
        svg .cell-label { font-size: 12px; font-weight: 700; fill: var(--ink); }
        svg .core-box { fill: none; stroke: #afb8c1; }
        svg .cpu rect { stroke: #6e7781; stroke-width: 1; }
        svg .cpu.ded rect { fill: #fff8c5; } svg .cpu.shr rect { fill: #eafff0; stroke-dasharray: 3 2; }
        svg .cpu.rsv rect { fill: #eaeef2; } svg .cpu.unk rect { fill: #ffffff; }
        svg .cpu.vcpu rect { fill: #0969da; stroke: #033d8b; stroke-width: 2; }
        svg .cpu.emulator rect { fill: #fb8f44; stroke: #953800; stroke-width: 2; }
        svg .cpu.floating rect { fill: #b6e3ff; stroke: #0969da; stroke-dasharray: 2 2; }
        svg .cpu.other rect { fill: #8c959f; }
        svg .pcpu { font-size: 10px; text-anchor: middle; fill: var(--ink); }
        svg .cpu.vcpu .pcpu, svg .cpu.vcpu .mark, svg .cpu.other .pcpu, svg .cpu.other .mark, svg .cpu.vcpu .emu-corner { fill: #fff; }
        svg .mark { font-size: 11px; font-weight: 700; text-anchor: middle; fill: var(--ink); } svg .mark.small { font-size: 8px; }
        svg .emu-corner { font-size: 8px; font-weight: 700; text-anchor: end; }
        svg .bar-label { font-size: 10.5px; fill: var(--ink); }
        svg .bar-total { fill: #ffffff; stroke: #8c959f; } svg .bar-used { fill: #afb8c1; } svg .bar-guest { fill: #0969da; }
        .legend { display: flex; flex-wrap: wrap; gap: .2rem .9rem; list-style: none; padding: 0; margin: .2rem 0; font-size: .8rem; }
        .legend .key { display: inline-block; min-width: 1.9rem; text-align: center; border: 1px solid #6e7781; border-radius: 3px; margin-right: .3rem; font-weight: 700; }
        .key.vcpu { background: #0969da; color: #fff; } .key.emulator { background: #fb8f44; } .key.floating { background: #b6e3ff; border-style: dashed; }
        .key.other { background: #8c959f; color: #fff; } .key.ded { background: #fff8c5; } .key.shr { background: #eafff0; border-style: dashed; } .key.rsv { background: #eaeef2; }
        .filters { margin: .4rem 0; font-size: .9rem; } .filters label { margin-right: .8rem; }
        body:has(#hide-passed:checked) section.scenario.passed, body:has(#hide-skipped:checked) section.scenario.skipped { display: none; }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        ol.steps { padding-left: 1.4rem; margin: .2rem 0; }
        @media print { .filters { display: none; } section.scenario { break-inside: avoid; } }
        """;
}
