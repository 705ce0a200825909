// The toolkit's version, written into run bundles (engineVersion), capture manifests and
// template provenance. Kept equal to deno.json's "version" (a test checks).

/** Version of this toolkit (semver), equal to the package version in deno.json. */
export const TOOLKIT_VERSION = "0.1.0";

/** Engine identifier written to run.json `engineVersion`. */
export const ENGINE_VERSION = `flowtime-toolkit/${TOOLKIT_VERSION}`;
