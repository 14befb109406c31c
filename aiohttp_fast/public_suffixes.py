"""Which cookie domains are public suffixes: a site may not set cookies for all of them.

Used by the cookie jar (RFC 6265 section 5.3 step 5). Pure data, no imports from the package.
"""

from __future__ import annotations

__all__ = ("PUBLIC_SUFFIXES", "is_public_suffix")

# A small built-in public-suffix list: the common generic TLDs' second-level registries and
# a few well-known shared hosting domains. Every single-label domain ("com", "local", ...) is
# treated as a public suffix as well, so only multi-label suffixes need listing here. A cookie
# whose Domain attribute is one of these is refused (unless it equals the response host), so a
# site cannot set cookies for all of ``co.uk``. This is not the full Mozilla list on purpose:
# the jar stays dependency-free; an unlisted suffix only loses this extra protection.
PUBLIC_SUFFIXES: frozenset[str] = frozenset(
    """
    co.uk org.uk ac.uk gov.uk ltd.uk plc.uk me.uk net.uk nhs.uk sch.uk police.uk
    com.au net.au org.au edu.au gov.au asn.au id.au
    co.nz net.nz org.nz govt.nz ac.nz school.nz
    co.jp ne.jp or.jp ac.jp go.jp ad.jp ed.jp gr.jp lg.jp
    com.br net.br org.br gov.br edu.br
    com.cn net.cn org.cn gov.cn edu.cn ac.cn
    co.in net.in org.in gov.in ac.in firm.in gen.in ind.in
    co.kr or.kr ne.kr go.kr ac.kr re.kr
    com.tw net.tw org.tw gov.tw edu.tw idv.tw
    com.hk net.hk org.hk gov.hk edu.hk idv.hk
    com.sg net.sg org.sg gov.sg edu.sg
    com.mx net.mx org.mx gob.mx edu.mx
    com.ar net.ar org.ar gob.ar edu.ar
    co.za net.za org.za gov.za ac.za web.za
    com.tr net.tr org.tr gov.tr edu.tr
    com.ru net.ru org.ru msk.ru spb.ru
    co.il org.il net.il ac.il gov.il
    com.ua net.ua org.ua gov.ua in.ua kiev.ua
    co.id or.id ac.id go.id web.id
    com.my net.my org.my gov.my edu.my
    com.ph net.ph org.ph gov.ph edu.ph
    com.vn net.vn org.vn gov.vn edu.vn
    com.pl net.pl org.pl gov.pl edu.pl
    co.at or.at ac.at gv.at
    com.es org.es gob.es edu.es nom.es
    co.it gov.it edu.it
    com.de
    github.io gitlab.io herokuapp.com appspot.com blogspot.com pages.dev workers.dev
    netlify.app vercel.app web.app firebaseapp.com azurewebsites.net cloudfront.net
    s3.amazonaws.com elasticbeanstalk.com fly.dev onrender.com
    """.split()
)


def is_public_suffix(domain: str) -> bool:
    """True for a single-label domain ("com", "local", ...) or a listed multi-label suffix."""
    return "." not in domain or domain in PUBLIC_SUFFIXES
