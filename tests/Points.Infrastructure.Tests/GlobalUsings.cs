global using Microsoft.Extensions.Time.Testing;
global using Points.Testing;
global using Xunit;
