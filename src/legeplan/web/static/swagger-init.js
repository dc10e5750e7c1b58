// Starts Swagger UI on /docs (a static file, so the Content-Security-Policy needs no inline script).
(function () {
  var script = document.currentScript;
  var url = (script && script.getAttribute("data-openapi")) || "/openapi.json";
  window.ui = SwaggerUIBundle({
    url: url,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
  });
})();
