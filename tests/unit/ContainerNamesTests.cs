using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using MiniDocker.Engine;
using Xunit;

namespace MiniDocker.Tests
{
    public class ContainerNamesTests
    {
        private static string[] Words(string field) =>
            (string[])typeof(ContainerNames).GetField(field, BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

        [Fact]
        public void Generates_valid_adjective_noun_names()
        {
            for (int i = 0; i < 50; i++)
            {
                string name = ContainerNames.Generate(new HashSet<string>());
                Assert.Matches(new Regex("^[a-z]+_[a-z]+$"), name);
                ContainerStore.ValidateName(name);
            }
        }

        [Fact]
        public void Never_returns_a_taken_name_and_adds_a_number_when_every_pair_is_taken()
        {
            var taken = (from a in Words("Adjectives") from n in Words("Nouns") select a + "_" + n).ToHashSet();
            for (int i = 0; i < 5; i++)
            {
                string name = ContainerNames.Generate(taken);
                Assert.DoesNotContain(name, taken);
                Assert.Matches(new Regex("^[a-z]+_[a-z]+_[0-9]{4}$"), name);
                ContainerStore.ValidateName(name);
            }
        }
    }
}
