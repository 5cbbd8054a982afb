// Shared by every page: nothing yet beyond marking the document as scripted (for styles).
"use strict";
document.documentElement.classList.add("js");
