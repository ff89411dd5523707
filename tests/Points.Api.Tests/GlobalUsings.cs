global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Microsoft.Extensions.Time.Testing;
global using Points.Testing;
global using Xunit;
