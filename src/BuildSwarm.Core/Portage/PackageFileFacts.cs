namespace BuildSwarm.Core.Portage;

/// <summary>
/// What the index records about a package file (<c>binarytree._pkgindex_entry</c>): its path relative to the
/// binhost root, size, MD5 and SHA1 (<c>_pkgindex_hashes</c>, checked by the client after download), and mtime.
/// </summary>
public sealed record PackageFileFacts(string Path, long Size, string Md5, string Sha1, long MTime);
