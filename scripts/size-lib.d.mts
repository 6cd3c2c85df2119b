export declare const DEFAULT_BUDGET: number;
export declare const ENTRY_BUDGETS: Readonly<Record<string, number>>;
export declare const UNBUDGETED: Readonly<Record<string, string>>;
export declare function budgetOf(entryName: string): number | null;
export declare function entryName(packageName: string, entry: string): string;
export declare function packageDirs(root: string): string[];
export interface SizeRow {
  package: string;
  entry: string;
  /** `@zenoti-auth/<package>[/<entry>]` */
  name: string;
  minified: number;
  gzip: number;
  /** Its budget (min+gzip bytes), or `null` for a package without one. */
  budget: number | null;
}
export declare function esmEntries(pkg: unknown): Array<{ entry: string; file: string }>;
export declare function minGzip(
  entryPoint: string,
  external: string[],
  stdin?: { contents: string; resolveDir: string; loader: 'js' },
): Promise<{ minified: number; gzip: number }>;
export declare function packageSizes(root: string, dir: string): Promise<SizeRow[]>;
