// `/openapi.json` and a rendered docs page at `/docs` (Swagger UI), both public. Every asset comes
// from swagger-ui-dist in node_modules, so the page works with no outside network; the package's
// own swagger-initializer.js points at a demo on the internet, so ours replaces it.
import express, { type Router } from 'express';
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import type { RouteMounter } from '../routes/mount';
import type { OpenApiDocument } from './document';

export const OPENAPI_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

const page = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Arrears collection API</title>
    <link rel="stylesheet" type="text/css" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" sizes="32x32" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="${DOCS_PATH}/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io.
const initializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(OPENAPI_PATH)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
`;

/**
 * The two pages are routes of the table (public, mounted like any other); the page's scripts and
 * styles under `/docs/…` are static files of the package, not API routes. The document is built
 * once by the caller: it does not change while the process runs.
 */
export function docsRouter(routes: RouteMounter, document: OpenApiDocument): Router {
  const router = express.Router();
  routes.mount(router, 'getOpenApiDocument', () => Promise.resolve({ status: 200, body: document }));
  routes.mount(router, 'getDocsPage', () => Promise.resolve({ status: 200, body: page, contentType: 'html' as const }));
  router.get(`${DOCS_PATH}/swagger-initializer.js`, (_req, res) => {
    res.type('application/javascript').send(initializer);
  });
  // index: false: the package's index.html would load the package's initializer.
  router.use(DOCS_PATH, express.static(getAbsoluteFSPath(), { index: false, maxAge: '1h' }));
  return router;
}
