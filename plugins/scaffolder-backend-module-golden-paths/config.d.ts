export interface Config {
  /** Configuration for Paved golden paths. */
  goldenPaths?: {
    /**
     * The local git backend of the `paved:localgit:*` scaffolder actions,
     * which keep service repositories on disk so a portal (the Paved demo)
     * runs without a git host or network.
     */
    localGit?: {
      /**
       * Folder the repositories live in, one sub-folder each, created on
       * first publish. A relative path resolves against the backend's working
       * directory. Defaults to `../../data/repos`, the repository's `data/repos`
       * when the backend runs in `packages/backend`.
       */
      root?: string;
    };
  };
}
