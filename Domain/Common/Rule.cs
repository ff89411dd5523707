using System.Linq.Expressions;

namespace Points.Domain.Common;

/// <summary>
/// A rule about an entity at some argument (usually an instant), written once as an expression so the same text
/// decides in memory (<see cref="Holds"/>, compiled once) and in SQL (<see cref="At"/>, for a WHERE clause or a guarded
/// <c>ExecuteUpdateAsync</c>). The argument enters the query as a parameter, not a literal, so the query plan is shared.
/// </summary>
public sealed class Rule<T, TArg>
{
    private readonly Expression<Func<T, TArg, bool>> _rule;
    private readonly Func<T, TArg, bool> _compiled;

    public Rule(Expression<Func<T, TArg, bool>> rule)
    {
        _rule = rule;
        _compiled = rule.Compile();
    }

    public bool Holds(T entity, TArg arg) => _compiled(entity, arg);

    public Expression<Func<T, bool>> At(TArg arg)
    {
        // A member of a captured object, as a C# closure would produce: query providers read it as a parameter.
        var value = Expression.Field(Expression.Constant(new Captured(arg)), nameof(Captured.Value));
        var body = new Substitute(_rule.Parameters[1], value).Visit(_rule.Body);
        return Expression.Lambda<Func<T, bool>>(body, _rule.Parameters[0]);
    }

    private sealed class Captured(TArg value)
    {
        public readonly TArg Value = value;
    }

    private sealed class Substitute(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
