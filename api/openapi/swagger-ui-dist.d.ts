// swagger-ui-dist ships no types; only this helper is used from Node (its index also loads the 1 MB browser bundle).
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder holding the package's browser assets. */
  function getAbsoluteFSPath(): string;
  export = getAbsoluteFSPath;
}
