// chancery: hovering an entity lights up all its mentions; hovering a quote
// in the list lights it up in the text. No build step, no dependencies.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.body.dataset.js = "on";
  function light(selector, on) {
    document.querySelectorAll(selector).forEach(function (el) {
      el.classList.toggle("hot", on);
    });
  }
  function bind(attribute, wanted) {
    document.querySelectorAll("[" + attribute + "]").forEach(function (el) {
      var value = el.getAttribute(attribute);
      var selector = wanted + "[" + attribute + '="' + CSS.escape(value) + '"]';
      el.addEventListener("mouseenter", function () { light(selector, true); });
      el.addEventListener("mouseleave", function () { light(selector, false); });
    });
  }
  bind("data-e", ".body .ent");
  bind("data-q", ".body .quote");
});
