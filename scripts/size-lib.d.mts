export declare const budgets: Record<'core' | 'axios' | 'hono' | 'nestjs' | 'redis', number>;
export interface SizeRow {
  package: string;
  entry: string;
  minified: number;
  gzip: number;
}
export declare function esmEntries(pkg: unknown): Array<{ entry: string; file: string }>;
export declare function minGzip(
  entryPoint: string,
  external: string[],
  stdin?: { contents: string; resolveDir: string; loader: 'js' },
): Promise<{ minified: number; gzip: number }>;
export declare function packageSizes(root: string, dir: string): Promise<SizeRow[]>;
