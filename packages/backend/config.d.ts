export interface Config {
  /** The demo portal's own settings. */
  paved?: {
    /**
     * Entity ref of the group whose members get Paved's admin and exemption
     * permissions in the demo's permission policy.
     */
    platformTeam?: string;
  };
  goldenPaths?: {
    /** Demo only: services to create from the sample golden paths. */
    demo?: {
      /**
       * A YAML file listing the demo services (see
       * examples/demo-services.yaml); relative to the backend's directory.
       */
      servicesFile?: string;
      /** Demo services outside the golden paths that get DORA history too. */
      otherServices?: string[];
    };
  };
}
