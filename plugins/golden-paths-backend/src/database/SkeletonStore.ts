/**
 * One file of an archived skeleton.
 *
 * @public
 */
export type SkeletonFile = {
  /** Relative path, `/` separated. */
  path: string;
  content: Buffer;
};

/**
 * What is known of one version's archived skeleton.
 *
 * @public
 */
export type SkeletonStatus = {
  templateRef: string;
  version: string;
  /** sha256 of the manifest (sorted `path sha256` lines); absent until archived. */
  digest?: string;
  fileCount?: number;
  totalBytes?: number;
  /** Why the last attempt to archive it failed. */
  problem?: string;
  attemptedAt: string;
};

/**
 * The files of an archived skeleton without their contents.
 *
 * @public
 */
export type SkeletonManifest = SkeletonStatus & {
  digest: string;
  files: Array<{ path: string; sha256: string; size: number }>;
};

/**
 * Keeps content-addressed copies of template version skeletons. A version is
 * archived once: later saves of the same version change nothing.
 *
 * @public
 */
export interface SkeletonStore {
  /** The status of every version that was archived or attempted. */
  listStatuses(): Promise<SkeletonStatus[]>;

  /**
   * Archives a version's files in one transaction; returns the digest. When
   * the version is already archived, keeps the first copy and returns its
   * digest.
   */
  save(
    templateRef: string,
    version: string,
    files: SkeletonFile[],
    now: Date,
  ): Promise<string>;

  /** Records a failed attempt, unless the version is archived already. */
  recordProblem(
    templateRef: string,
    version: string,
    problem: string,
    now: Date,
  ): Promise<void>;

  /** The manifest of an archived version, or undefined. */
  getManifest(
    templateRef: string,
    version: string,
  ): Promise<SkeletonManifest | undefined>;

  /** The files of an archived version with their contents, or undefined. */
  readFiles(
    templateRef: string,
    version: string,
  ): Promise<SkeletonFile[] | undefined>;
}
