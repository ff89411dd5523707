using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Points.Api.Http;

/// <summary>Declares the bearer scheme so the /docs UI offers an Authorize button.</summary>
public static class OpenApiSetup
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Points API";
            document.Info.Description = "数字积分与信用画像后端。错误均为 RFC 9457 problem details，含稳定的 code 与中文 title。";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "POST /api/auth/... 得到的 accessToken",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
            return Task.CompletedTask;
        });
    }
}
