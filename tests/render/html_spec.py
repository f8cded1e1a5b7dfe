# ruff: noqa: SIM905  (the names as the spec lists them, one string each)
"""The names of the HTML Living Standard (its index of elements, of attributes and of
event handler content attributes, obsolete ones included), of SVG 2 and of MathML
Core: what the sanitizer's fuzz test draws from. Not a list of bad names: all of them."""

HTML_ELEMENTS = """
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol
optgroup option output p picture pre progress q rp rt ruby s samp script search section
select selectedcontent slot small source span strong style sub summary sup table tbody td
template textarea tfoot th thead time title tr track u ul var video wbr
acronym applet basefont bgsound big blink center dir font frame frameset image isindex keygen
listing marquee menuitem multicol nextid nobr noembed noframes param plaintext rb rtc spacer
strike tt xmp
""".split()

GLOBAL_ATTRIBUTES = """
accesskey autocapitalize autocorrect autofocus class contenteditable dir draggable
enterkeyhint hidden id inert inputmode is itemid itemprop itemref itemscope itemtype lang
nonce popover slot spellcheck style tabindex title translate writingsuggestions role
aria-label aria-hidden aria-describedby data-x data-src xmlns xml:lang xlink:href
""".split()

ELEMENT_ATTRIBUTES = """
abbr accept accept-charset action allow allowfullscreen alpha alt as async autocomplete
autoplay blocking charset checked cite closedby color colorspace cols colspan command
commandfor content controls coords crossorigin data datetime decoding default defer dirname
disabled download enctype fetchpriority for form formaction formenctype formmethod
formnovalidate formtarget headers height high href hreflang http-equiv imagesizes
imagesrcset integrity ismap kind label list loading loop low max maxlength media method min
minlength multiple muted name nomodule novalidate open optimum pattern ping placeholder
playsinline popovertarget popovertargetaction poster preload readonly referrerpolicy rel
required reversed rows rowspan sandbox scope selected shadowrootclonable
shadowrootcustomelementregistry shadowrootdelegatesfocus shadowrootmode
shadowrootserializable shape size sizes span src srcdoc srclang srcset start step target
type usemap value width wrap
align alink archive axis background bgcolor border bordercolor cellpadding cellspacing char
charoff classid clear codebase codetype compact declare face frame frameborder hspace
longdesc marginheight marginwidth noresize noshade nowrap profile rev rules scheme scrolling
standby summary text valign valuetype version vlink vspace
""".split()

EVENT_HANDLERS = """
onabort onafterprint onauxclick onbeforeinput onbeforematch onbeforeprint onbeforetoggle
onbeforeunload onblur oncancel oncanplay oncanplaythrough onchange onclick onclose oncommand
oncontextlost oncontextmenu oncontextrestored oncopy oncuechange oncut ondblclick ondrag
ondragend ondragenter ondragleave ondragover ondragstart ondrop ondurationchange onemptied
onended onerror onfocus onformdata onhashchange oninput oninvalid onkeydown onkeypress
onkeyup onlanguagechange onload onloadeddata onloadedmetadata onloadstart onmessage
onmessageerror onmousedown onmouseenter onmouseleave onmousemove onmouseout onmouseover
onmouseup onoffline ononline onpagehide onpagereveal onpageshow onpageswap onpaste onpause
onplay onplaying onpopstate onprogress onratechange onrejectionhandled onreset onresize
onscroll onscrollend onsecuritypolicyviolation onseeked onseeking onselect onslotchange
onstalled onstorage onsubmit onsuspend ontimeupdate ontoggle onunhandledrejection onunload
onvolumechange onwaiting onwheel onanimationstart onanimationend ontransitionend
onpointerdown onpointerup ontouchstart onfocusin onbegin onend onrepeat
""".split()

SVG_ELEMENTS = """
a animate animateMotion animateTransform circle clipPath defs desc discard ellipse feBlend
feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight
feSpecularLighting feSpotLight feTile feTurbulence filter foreignObject g image line
linearGradient marker mask metadata mpath path pattern polygon polyline radialGradient rect
script set stop style svg switch symbol text textPath title tspan use view
""".split()

MATHML_ELEMENTS = """
math annotation annotation-xml maction merror mfrac mi mmultiscripts mn mo mover mpadded
mphantom mprescripts mroot mrow ms mspace msqrt mstyle msub msubsup msup mtable mtd mtext mtr
munder munderover semantics menclose mfenced mlabeledtr
""".split()

FOREIGN_ATTRIBUTES = """
href xlink:href attributeName to from values begin dur fill d viewBox x y width height
transform mathvariant display encoding definitionURL actiontype
""".split()
