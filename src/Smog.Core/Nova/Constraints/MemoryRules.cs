using Smog.Nova.Python;
using Smog.Nova.Specs;

namespace Smog.Nova.Constraints;

/// <summary>The memory rules of <c>numa_get_constraints</c>: page size and locked memory.</summary>
internal static class MemoryRules
{
    /// <summary>
    /// Mirrors <c>_get_numa_pagesize_constraint</c>: an image value needs a flavor value of
    /// <c>large</c> or <c>any</c>, which it then replaces; otherwise it is forbidden.
    /// Null when the flavor sets no page size.
    /// </summary>
    public static ParsedPageSize? PageSize(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = flavor.Spec("hw:mem_page_size");
        var fromImage = image.MemPageSize;
        if (!PythonSyntax.Truthy(fromFlavor) && PythonSyntax.Truthy(fromImage))
            throw Forbidden(fromImage!, "<empty>");
        if (!PythonSyntax.Truthy(fromFlavor)) return null;
        var requested = Parse(fromFlavor!);
        if (PythonSyntax.Truthy(fromImage) && requested.Kind is PageSizeKind.Any or PageSizeKind.Large)
            return Parse(fromImage!);
        if (PythonSyntax.Truthy(fromImage))
            throw Forbidden(fromImage!, fromFlavor!);
        return requested;
    }

    /// <summary>
    /// Mirrors <c>get_locked_memory_constraint</c>: flavor and image values must agree, and
    /// locking needs a page size (raw flavor or image value) to be set.
    /// </summary>
    public static bool? LockedMemory(Flavor flavor, NovaImageMeta image)
    {
        var fromFlavor = flavor.Spec("hw:locked_memory");
        var fromImage = image.LockedMemory;
        bool? locked = fromImage;
        if (fromFlavor is not null)
        {
            var flavorValue = PythonSyntax.LenientBool(fromFlavor);
            if (fromImage is { } imageValue && imageValue != flavorValue)
                throw new ConstraintViolation("FlavorImageLockedMemoryConflict",
                    $"hw_locked_memory={imageValue} in the image conflicts with hw:locked_memory={flavorValue} in the flavor");
            locked = flavorValue;
        }
        if (locked == true && !PythonSyntax.Truthy(flavor.Spec("hw:mem_page_size")) && !PythonSyntax.Truthy(image.MemPageSize))
            throw new ConstraintViolation("LockMemoryForbidden",
                "locked memory is only allowed together with hw:mem_page_size or hw_mem_page_size");
        return locked;
    }

    private static ParsedPageSize Parse(string request) =>
        PageSizeSyntax.Parse(request) ?? throw new ConstraintViolation("MemoryPageSizeInvalid", $"Invalid memory page size '{request}'");

    private static ConstraintViolation Forbidden(string pageSize, string against) =>
        new("MemoryPageSizeForbidden", $"Page size {pageSize} is forbidden against '{against}'");
}
