// Marks the page as running JavaScript before it is drawn, as GOV.UK Frontend expects.
// A file, not an inline script: the content security policy allows no inline scripts.
document.body.className += " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
